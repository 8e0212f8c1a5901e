package io.pushwire.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One subscriber connection's protocol logic, whatever the WebSocket client under it: sends
 * {@code hello}, then {@code subscribe} on {@code welcome}, answers {@code ping} with {@code pong}, and
 * for every event checks seq continuity and hands the latency to {@link SubscriberStats}. The transport
 * calls {@link #message} with each complete text message, one call at a time per connection.
 */
abstract class Subscriber implements FrameScanner.Sink {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every this-many messages of a connection is parsed again with Jackson and compared with the scanner. */
    private static final int VERIFY_EVERY = 251;

    final int index;
    final String channel;
    final SubscriberStats stats;
    /** Completes with true once subscribed, false when the connection failed or closed before. */
    final CompletableFuture<Boolean> ready = new CompletableFuture<>();

    volatile boolean subscribed;
    volatile boolean closed;
    volatile long startSeq = -1;
    volatile long received;
    volatile long jumpedOver;
    volatile long duplicates;
    private long lastSeq = -1;
    private long messageReceivedMicros;
    private int messageCount;

    Subscriber(int index, String channel, SubscriberStats stats) {
        this.index = index;
        this.channel = channel;
        this.stats = stats;
    }

    /** Sends one text message. */
    abstract void send(String text);

    /** Drops the connection without a close handshake. */
    abstract void abort();

    /** The WebSocket is open: say hello. */
    final void opened() {
        send("{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
    }

    /** One complete text message from the server, received at {@code receivedMicros}. */
    final void message(CharSequence text, long receivedMicros) {
        messageReceivedMicros = receivedMicros;
        messageCount++;
        stats.messages.increment();
        long before = received;
        stats.frames.add(FrameScanner.scan(text, this));
        if ((messageCount + index) % VERIFY_EVERY == 0) { // spread over connections
            verify(text, (int) (received - before));
        }
    }

    /** Parses the message with Jackson and checks that the scanner saw the same events. */
    private void verify(CharSequence text, int eventsScanned) {
        try {
            JsonNode node = JSON.readTree(text.toString());
            int events = 0;
            for (JsonNode frame : node.isArray() ? node : List.of(node)) {
                if ("event".equals(frame.path("type").asText())) {
                    events++;
                    if (!frame.path("data").path("t").canConvertToLong()) {
                        throw new IllegalStateException("event without data.t: " + frame);
                    }
                }
            }
            if (events != eventsScanned) {
                throw new IllegalStateException("scanner saw " + eventsScanned + " events, Jackson " + events);
            }
            stats.verified.increment();
        } catch (Exception e) {
            stats.verifyFailures.increment();
            stats.problem("verification failed: " + e.getMessage());
        }
    }

    @Override
    public final void frame(FrameScanner.Kind kind, long seq, long t, CharSequence text, int start, int end) {
        switch (kind) {
            case EVENT -> event(seq, t);
            case PING -> {
                stats.pings.increment();
                send(t >= 0 ? "{\"type\":\"pong\",\"ts\":" + t + "}" : "{\"type\":\"pong\"}");
            }
            case WELCOME -> send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"" + channel + "\"}");
            case SUBSCRIBED -> {
                startSeq = seq;
                lastSeq = seq;
                subscribed = true;
                ready.complete(true);
            }
            case GAP -> {
                stats.gapFrames.increment();
                stats.problem("gap: " + text.subSequence(start, end));
            }
            case ERROR -> {
                stats.errorFrames.increment();
                stats.problem("error: " + text.subSequence(start, end));
            }
            case OTHER -> stats.problem("unexpected frame: " + text.subSequence(start, end));
        }
    }

    private void event(long seq, long t) {
        received++;
        if (lastSeq >= 0) {
            if (seq <= lastSeq) {
                duplicates++;
            } else if (seq > lastSeq + 1) {
                jumpedOver += seq - lastSeq - 1;
            }
        }
        lastSeq = Math.max(lastSeq, seq);
        stats.event(seq, t, messageReceivedMicros);
    }

    /** The connection ended: by a close frame with {@code code}, or 1006 for an error. */
    final void closed(int code, String reason) {
        if (!closed) {
            closed = true;
            stats.closed(code);
            stats.problem("connection " + index + " closed " + code + " " + reason);
        }
        ready.complete(false);
    }
}
