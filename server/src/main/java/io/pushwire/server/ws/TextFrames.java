package io.pushwire.server.ws;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds complete WebSocket text frames (RFC 6455 §5.2: FIN, opcode 1, unmasked as a server sends them)
 * from frames of ours that are already encoded as JSON text, so that the transport writes bytes and the
 * web server does not encode the same text to UTF-8 once per connection.
 *
 * <p>Encode once, frame once, write many: an event goes to every subscriber as the same {@code String}
 * instance. A small direct-mapped cache, keyed by that identity, keeps its UTF-8 bytes already framed,
 * so a lone event reaches the 1,000th connection without being encoded or framed again; a batch copies
 * the cached bytes of its frames into one array. A miss only costs the encoding this class would do
 * anyway. Thread-safe: entries are immutable and published through final fields, so a racy read sees
 * either a whole entry or another one.
 */
final class TextFrames {
    /** Slots of the cache: enough for the events in flight to many connections at once; 2 KiB of references. */
    private static final int SLOTS = 256;
    /**
     * Larger frames are framed for each message and not kept: the cache then pins at most 2 MiB however
     * large the events, and a frame this size costs its copy more than its encoding anyway.
     */
    static final int MAX_CACHED_CHARS = 8 * 1024;
    private static final byte FIN_TEXT = (byte) 0x81;

    private final Entry[] cache = new Entry[SLOTS];

    /** One frame of ours, as a whole WebSocket frame; {@code payloadOffset} is where the JSON starts. */
    private record Entry(String text, byte[] framed, int payloadOffset) {
        int payloadLength() {
            return framed.length - payloadOffset;
        }
    }

    /**
     * The WebSocket frame that carries these frames of ours as one message: the frame itself when there
     * is one, else a JSON array of them. The returned array may be shared: callers must not change it.
     */
    byte[] message(List<String> frames) {
        if (frames.size() == 1) {
            return entry(frames.get(0)).framed();
        }
        Entry[] entries = new Entry[frames.size()];
        long payload = 1 + frames.size(); // "[", the commas and "]"
        for (int i = 0; i < entries.length; i++) {
            entries[i] = entry(frames.get(i));
            payload += entries[i].payloadLength();
        }
        if (payload > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("batch of " + payload + " bytes is too large for one frame");
        }
        byte[] out = new byte[headerLength((int) payload) + (int) payload];
        int at = writeHeader(out, (int) payload);
        out[at++] = '[';
        for (int i = 0; i < entries.length; i++) {
            if (i > 0) {
                out[at++] = ',';
            }
            Entry entry = entries[i];
            System.arraycopy(entry.framed(), entry.payloadOffset(), out, at, entry.payloadLength());
            at += entry.payloadLength();
        }
        out[at] = ']';
        return out;
    }

    private Entry entry(String text) {
        if (text.length() > MAX_CACHED_CHARS) {
            return frame(text);
        }
        int slot = System.identityHashCode(text) & (SLOTS - 1);
        Entry cached = cache[slot];
        if (cached != null && cached.text() == text) {
            return cached;
        }
        Entry fresh = frame(text);
        cache[slot] = fresh;
        return fresh;
    }

    /** One text, UTF-8 encoded and framed. */
    private static Entry frame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[headerLength(payload.length) + payload.length];
        int offset = writeHeader(framed, payload.length);
        System.arraycopy(payload, 0, framed, offset, payload.length);
        return new Entry(text, framed, offset);
    }

    /** 2 bytes up to 125 bytes of payload, 4 up to 65,535, else 10 (RFC 6455 §5.2). */
    static int headerLength(int payloadLength) {
        return payloadLength <= 125 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    /** Writes the header at the start of {@code out}; returns where the payload starts. */
    private static int writeHeader(byte[] out, int payloadLength) {
        out[0] = FIN_TEXT;
        if (payloadLength <= 125) {
            out[1] = (byte) payloadLength;
            return 2;
        }
        if (payloadLength <= 0xFFFF) {
            out[1] = 126;
            out[2] = (byte) (payloadLength >>> 8);
            out[3] = (byte) payloadLength;
            return 4;
        }
        out[1] = 127;
        long length = payloadLength;
        for (int i = 0; i < 8; i++) {
            out[2 + i] = (byte) (length >>> (56 - 8 * i));
        }
        return 10;
    }
}
