package io.pushwire.server.core;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Monotonic counters ({@link Counter}) and histograms of the whole server, cheap to bump from any thread. */
public final class ServerCounters {
    /** Frames per written WebSocket message. */
    private final Histogram batchFrames = new Histogram(1, 2, 4, 8, 16, 32, 64, 128);
    /** Milliseconds from an event's publish (its enqueue) to its write to the socket. */
    private final Histogram publishToWriteMs = new Histogram(1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000);
    /** Connections ended, by the close code that ended them (sent by us, by the peer, or 1006). */
    private final ConcurrentHashMap<Integer, LongAdder> closesByCode = new ConcurrentHashMap<>();
    /** One adder per {@link Counter}. */
    private final Map<Counter, LongAdder> counts = adders();

    void connectionOpened() {
        add(Counter.CONNECTIONS_OPENED, 1);
    }

    void connectionClosed(int code) {
        add(Counter.CONNECTIONS_CLOSED, 1);
        closesByCode.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** Connections ended so far, by close code, in code order. */
    public Map<Integer, Long> closesByCode() {
        Map<Integer, Long> view = new TreeMap<>();
        closesByCode.forEach((code, count) -> view.put(code, count.sum()));
        return view;
    }

    void publishedToWritten(long millis) {
        publishToWriteMs.record(millis);
    }

    public Histogram.Snapshot batchFrames() {
        return batchFrames.snapshot();
    }

    public Histogram.Snapshot publishToWriteMs() {
        return publishToWriteMs.snapshot();
    }

    void eventPublished(int fanOut) {
        add(Counter.EVENTS_PUBLISHED, 1);
        add(Counter.EVENTS_FANNED_OUT, fanOut);
    }

    /** Events written to client sockets. */
    void eventsDelivered(int count) {
        if (count > 0) {
            add(Counter.EVENTS_DELIVERED, count);
        }
    }

    void unauthorized() {
        add(Counter.UNAUTHORIZED, 1);
    }

    void tokenExpired() {
        add(Counter.TOKENS_EXPIRED, 1);
    }

    void connectionRefused() {
        add(Counter.CONNECTIONS_REFUSED, 1);
    }

    void limitExceeded() {
        add(Counter.LIMITS_EXCEEDED, 1);
    }

    void originRejected() {
        add(Counter.ORIGINS_REJECTED, 1);
    }

    void frameIn() {
        add(Counter.FRAMES_IN, 1);
    }

    /** One WebSocket message written, holding {@code frames} frames (more than one is a batch). */
    void messageOut(int frames) {
        add(Counter.MESSAGES_OUT, 1);
        add(Counter.FRAMES_OUT, frames);
        batchFrames.record(frames);
    }

    void protocolError() {
        add(Counter.PROTOCOL_ERRORS, 1);
    }

    void slowConsumerClose() {
        add(Counter.SLOW_CONSUMER_CLOSES, 1);
    }

    void heartbeatTimeout() {
        add(Counter.HEARTBEAT_TIMEOUTS, 1);
    }

    void pingSent() {
        add(Counter.PINGS_SENT, 1);
    }

    void rateLimited() {
        add(Counter.RATE_LIMITED, 1);
    }

    void abuseClose() {
        add(Counter.ABUSE_CLOSES, 1);
    }

    /** Events a newer one of the same channel replaced before they were written. */
    void eventsConflated(int count) {
        add(Counter.EVENTS_CONFLATED, count);
    }

    /** Low-priority events dropped from a slow consumer's queue. */
    void eventsDropped(int count) {
        add(Counter.EVENTS_DROPPED, count);
    }

    /** Gap frames created, for any reason. */
    void gapAnnounced() {
        add(Counter.GAPS_ANNOUNCED, 1);
    }

    /** A WebSocket handshake refused with HTTP 429 before the upgrade. */
    void handshakeRejected() {
        add(Counter.HANDSHAKES_REJECTED, 1);
    }

    void sessionResumed() {
        add(Counter.SESSIONS_RESUMED, 1);
    }

    /** A hello asked to resume but got a fresh session (unknown, expired, or wrong token). */
    void resumeFailed() {
        add(Counter.RESUMES_FAILED, 1);
    }

    /** A resume took the session from a connection still attached (closed with 4003). */
    void sessionReplaced() {
        add(Counter.SESSIONS_REPLACED, 1);
    }

    void sessionsExpired(int count) {
        add(Counter.SESSIONS_EXPIRED, count);
    }

    /** A push to a detached session's full {@code $me} dropped its oldest undelivered push. */
    void pendingMeDropped() {
        add(Counter.PENDING_ME_DROPPED, 1);
    }

    /** Client-created channels dropped because nobody used them any more. */
    void channelsRetired(int count) {
        add(Counter.CHANNELS_RETIRED, count);
    }

    /** A close that did not complete in time, so the socket was dropped without the handshake. */
    void transportAborted() {
        add(Counter.TRANSPORTS_ABORTED, 1);
    }

    void goawaySent() {
        add(Counter.GOAWAYS_SENT, 1);
    }

    public long eventsPublished() {
        return value(Counter.EVENTS_PUBLISHED);
    }

    /** How many so far. */
    public long value(Counter counter) {
        return counts.get(counter).sum();
    }

    /**
     * A point-in-time view, for health data and logs: every {@link Counter} by its key, in order, and after
     * {@code messagesOut} the derived {@code meanBatchSizeX100}.
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> view = new LinkedHashMap<>();
        for (Counter counter : Counter.values()) {
            view.put(counter.key(), value(counter));
            if (counter == Counter.MESSAGES_OUT) {
                // Frames per written message, x100 as an integer (health data takes longs): 100 means no batching.
                long messages = view.get(counter.key());
                view.put("meanBatchSizeX100", messages == 0 ? 0 : view.get(Counter.FRAMES_OUT.key()) * 100 / messages);
            }
        }
        return view;
    }

    private void add(Counter counter, long amount) {
        counts.get(counter).add(amount);
    }

    private static Map<Counter, LongAdder> adders() {
        Map<Counter, LongAdder> adders = new EnumMap<>(Counter.class);
        for (Counter counter : Counter.values()) {
            adders.put(counter, new LongAdder());
        }
        return adders;
    }
}
