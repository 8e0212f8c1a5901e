package io.pushwire.server.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Monotonic counters and histograms of the whole server, cheap to bump from any thread. */
public final class ServerCounters {
    /** Frames per written WebSocket message. */
    private final Histogram batchFrames = new Histogram(1, 2, 4, 8, 16, 32, 64, 128);
    /** Milliseconds from an event's publish (its enqueue) to its write to the socket. */
    private final Histogram publishToWriteMs = new Histogram(1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000);
    /** Connections ended, by the close code that ended them (sent by us, by the peer, or 1006). */
    private final ConcurrentHashMap<Integer, LongAdder> closesByCode = new ConcurrentHashMap<>();
    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder connectionsClosed = new LongAdder();
    private final LongAdder eventsPublished = new LongAdder();
    private final LongAdder eventsFannedOut = new LongAdder();
    private final LongAdder eventsDelivered = new LongAdder();
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
    private final LongAdder originsRejected = new LongAdder();
    private final LongAdder limitsExceeded = new LongAdder();
    private final LongAdder connectionsRefused = new LongAdder();
    private final LongAdder unauthorized = new LongAdder();
    private final LongAdder tokensExpired = new LongAdder();
    private final LongAdder sessionsResumed = new LongAdder();
    private final LongAdder resumesFailed = new LongAdder();
    private final LongAdder sessionsReplaced = new LongAdder();
    private final LongAdder sessionsExpired = new LongAdder();
    private final LongAdder channelsRetired = new LongAdder();
    private final LongAdder pendingMeDropped = new LongAdder();
    private final LongAdder goawaysSent = new LongAdder();
    private final LongAdder transportsAborted = new LongAdder();

    void connectionOpened() {
        connectionsOpened.increment();
    }

    void connectionClosed(int code) {
        connectionsClosed.increment();
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
        eventsPublished.increment();
        eventsFannedOut.add(fanOut);
    }

    /** Events written to client sockets. */
    void eventsDelivered(int count) {
        if (count > 0) {
            eventsDelivered.add(count);
        }
    }

    void unauthorized() {
        unauthorized.increment();
    }

    void tokenExpired() {
        tokensExpired.increment();
    }

    void connectionRefused() {
        connectionsRefused.increment();
    }

    void limitExceeded() {
        limitsExceeded.increment();
    }

    void originRejected() {
        originsRejected.increment();
    }

    void frameIn() {
        framesIn.increment();
    }

    /** One WebSocket message written, holding {@code frames} frames (more than one is a batch). */
    void messageOut(int frames) {
        messagesOut.increment();
        framesOut.add(frames);
        batchFrames.record(frames);
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

    void sessionResumed() {
        sessionsResumed.increment();
    }

    /** A hello asked to resume but got a fresh session (unknown, expired, or wrong token). */
    void resumeFailed() {
        resumesFailed.increment();
    }

    /** A resume took the session from a connection still attached (closed with 4003). */
    void sessionReplaced() {
        sessionsReplaced.increment();
    }

    void sessionsExpired(int count) {
        sessionsExpired.add(count);
    }

    /** A push to a detached session's full {@code $me} dropped its oldest undelivered push. */
    void pendingMeDropped() {
        pendingMeDropped.increment();
    }

    /** Client-created channels dropped because nobody used them any more. */
    void channelsRetired(int count) {
        channelsRetired.add(count);
    }

    /** A close that did not complete in time, so the socket was dropped without the handshake. */
    void transportAborted() {
        transportsAborted.increment();
    }

    void goawaySent() {
        goawaysSent.increment();
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
        view.put("eventsDelivered", eventsDelivered.sum());
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
        view.put("originsRejected", originsRejected.sum());
        view.put("limitsExceeded", limitsExceeded.sum());
        view.put("connectionsRefused", connectionsRefused.sum());
        view.put("unauthorized", unauthorized.sum());
        view.put("tokensExpired", tokensExpired.sum());
        view.put("sessionsResumed", sessionsResumed.sum());
        view.put("resumesFailed", resumesFailed.sum());
        view.put("sessionsReplaced", sessionsReplaced.sum());
        view.put("sessionsExpired", sessionsExpired.sum());
        view.put("channelsRetired", channelsRetired.sum());
        view.put("pendingMeDropped", pendingMeDropped.sum());
        view.put("goawaysSent", goawaysSent.sum());
        view.put("transportsAborted", transportsAborted.sum());
        return view;
    }
}
