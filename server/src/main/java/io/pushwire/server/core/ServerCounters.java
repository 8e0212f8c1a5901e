package io.pushwire.server.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Monotonic counters of the whole server, cheap to bump from any thread. */
public final class ServerCounters {
    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder connectionsClosed = new LongAdder();
    private final LongAdder eventsPublished = new LongAdder();
    private final LongAdder eventsFannedOut = new LongAdder();
    private final LongAdder framesIn = new LongAdder();
    private final LongAdder framesOut = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();
    private final LongAdder slowConsumerCloses = new LongAdder();
    private final LongAdder heartbeatTimeouts = new LongAdder();
    private final LongAdder pingsSent = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder abuseCloses = new LongAdder();
    private final LongAdder eventsConflated = new LongAdder();
    private final LongAdder eventsDropped = new LongAdder();
    private final LongAdder gapsAnnounced = new LongAdder();
    private final LongAdder handshakesRejected = new LongAdder();

    void connectionOpened() {
        connectionsOpened.increment();
    }

    void connectionClosed() {
        connectionsClosed.increment();
    }

    void eventPublished(int fanOut) {
        eventsPublished.increment();
        eventsFannedOut.add(fanOut);
    }

    void frameIn() {
        framesIn.increment();
    }

    /** One WebSocket message written, holding {@code frames} frames (more than one is a batch). */
    void messageOut(int frames) {
        messagesOut.increment();
        framesOut.add(frames);
    }

    void protocolError() {
        protocolErrors.increment();
    }

    void slowConsumerClose() {
        slowConsumerCloses.increment();
    }

    void heartbeatTimeout() {
        heartbeatTimeouts.increment();
    }

    void pingSent() {
        pingsSent.increment();
    }

    void rateLimited() {
        rateLimited.increment();
    }

    void abuseClose() {
        abuseCloses.increment();
    }

    /** Events a newer one of the same channel replaced before they were written. */
    void eventsConflated(int count) {
        eventsConflated.add(count);
    }

    /** Low-priority events dropped from a slow consumer's queue. */
    void eventsDropped(int count) {
        eventsDropped.add(count);
    }

    /** Gap frames created, for any reason. */
    void gapAnnounced() {
        gapsAnnounced.increment();
    }

    /** A WebSocket handshake refused with HTTP 429 before the upgrade. */
    void handshakeRejected() {
        handshakesRejected.increment();
    }

    public long eventsPublished() {
        return eventsPublished.sum();
    }

    /** A point-in-time view, for health data and logs. */
    public Map<String, Long> snapshot() {
        Map<String, Long> view = new LinkedHashMap<>();
        view.put("connectionsOpened", connectionsOpened.sum());
        view.put("connectionsClosed", connectionsClosed.sum());
        view.put("eventsPublished", eventsPublished.sum());
        view.put("eventsFannedOut", eventsFannedOut.sum());
        view.put("framesIn", framesIn.sum());
        view.put("framesOut", framesOut.sum());
        long messages = messagesOut.sum();
        view.put("messagesOut", messages);
        // Frames per written message, x100 as an integer (health data takes longs): 100 means no batching.
        view.put("meanBatchSizeX100", messages == 0 ? 0 : framesOut.sum() * 100 / messages);
        view.put("protocolErrors", protocolErrors.sum());
        view.put("slowConsumerCloses", slowConsumerCloses.sum());
        view.put("heartbeatTimeouts", heartbeatTimeouts.sum());
        view.put("pingsSent", pingsSent.sum());
        view.put("rateLimited", rateLimited.sum());
        view.put("abuseCloses", abuseCloses.sum());
        view.put("eventsConflated", eventsConflated.sum());
        view.put("eventsDropped", eventsDropped.sum());
        view.put("gapsAnnounced", gapsAnnounced.sum());
        view.put("handshakesRejected", handshakesRejected.sum());
        return view;
    }
}
