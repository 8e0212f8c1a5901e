package io.pushwire.it.bench;

/**
 * A hand-rolled scanner for server messages, so that subscribers do not parse every event with a JSON
 * library on a machine whose two cores they share with the server.
 *
 * <p>A message is one frame object or an array of them. {@link #scan} splits the message into its
 * top-level objects by tracking brace depth outside strings, then looks inside each frame for
 * {@code "type":"...}, {@code "seq":}, {@code "ts":} and, in events, the benchmark payload's
 * {@code "t":} (the publisher's epoch microseconds). Field order does not matter. It relies on the
 * benchmark's own payload ({@code {"t":N,"pad":"xxx"}}) having no other {@code "t"} key; the
 * subscriber cross-checks a sample of messages with Jackson ({@link Subscriber}).
 */
final class FrameScanner {
    private static final char[] TYPE = "\"type\":\"".toCharArray();
    private static final char[] SEQ = "\"seq\":".toCharArray();
    private static final char[] T = "\"t\":".toCharArray();
    private static final char[] TS = "\"ts\":".toCharArray();

    /** Frame kinds the benchmark cares about. */
    enum Kind { EVENT, PING, WELCOME, SUBSCRIBED, GAP, ERROR, OTHER }

    /** Called once per frame of a message, in order. */
    interface Sink {
        /**
         * @param kind  the frame's type
         * @param seq   {@code seq} for events and subscribed, else -1
         * @param t     the payload's {@code t} for events, {@code ts} for pings, else -1
         * @param text  the message
         * @param start the frame's first character
         * @param end   one past the frame's last character
         */
        void frame(Kind kind, long seq, long t, CharSequence text, int start, int end);
    }

    private FrameScanner() {
    }

    /** Scans one complete message; returns the number of frames found. */
    static int scan(CharSequence text, Sink sink) {
        int frames = 0;
        int depth = 0;
        int frameDepth = -1;
        int start = -1;
        boolean inString = false;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '[' -> depth++;
                case '{' -> {
                    if (frameDepth < 0) {
                        frameDepth = depth; // 0 for a lone frame, 1 inside a batch array
                    }
                    if (depth == frameDepth) {
                        start = i;
                    }
                    depth++;
                }
                case '}' -> {
                    depth--;
                    if (depth == frameDepth && start >= 0) {
                        frame(text, start, i + 1, sink);
                        frames++;
                        start = -1;
                    }
                }
                case ']' -> depth--;
                default -> {
                }
            }
        }
        return frames;
    }

    private static void frame(CharSequence text, int start, int end, Sink sink) {
        int type = indexOf(text, TYPE, start, end);
        if (type < 0) {
            sink.frame(Kind.OTHER, -1, -1, text, start, end);
            return;
        }
        int name = type + TYPE.length;
        Kind kind = kindAt(text, name, end);
        switch (kind) {
            case EVENT -> sink.frame(kind, number(text, SEQ, start, end), number(text, T, start, end), text, start, end);
            case SUBSCRIBED -> sink.frame(kind, number(text, SEQ, start, end), -1, text, start, end);
            case PING -> sink.frame(kind, -1, number(text, TS, start, end), text, start, end);
            default -> sink.frame(kind, -1, -1, text, start, end);
        }
    }

    private static Kind kindAt(CharSequence text, int i, int end) {
        if (startsWith(text, i, end, "event\"")) {
            return Kind.EVENT;
        } else if (startsWith(text, i, end, "ping\"")) {
            return Kind.PING;
        } else if (startsWith(text, i, end, "welcome\"")) {
            return Kind.WELCOME;
        } else if (startsWith(text, i, end, "subscribed\"")) {
            return Kind.SUBSCRIBED;
        } else if (startsWith(text, i, end, "gap\"")) {
            return Kind.GAP;
        } else if (startsWith(text, i, end, "error\"")) {
            return Kind.ERROR;
        }
        return Kind.OTHER;
    }

    private static boolean startsWith(CharSequence text, int i, int end, String prefix) {
        if (i + prefix.length() > end) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (text.charAt(i + k) != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** The non-negative integer after {@code key} in [start, end), or -1. */
    static long number(CharSequence text, char[] key, int start, int end) {
        int at = indexOf(text, key, start, end);
        if (at < 0) {
            return -1;
        }
        int i = at + key.length;
        while (i < end && text.charAt(i) == ' ') {
            i++;
        }
        long value = 0;
        int digits = 0;
        while (i < end) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
            digits++;
            i++;
        }
        return digits == 0 ? -1 : value;
    }

    static int indexOf(CharSequence text, char[] key, int from, int end) {
        char first = key[0];
        int last = end - key.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (text.charAt(i) != first) {
                continue;
            }
            for (int k = 1; k < key.length; k++) {
                if (text.charAt(i + k) != key[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
