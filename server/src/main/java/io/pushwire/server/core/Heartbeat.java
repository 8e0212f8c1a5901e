package io.pushwire.server.core;

/**
 * One connection's liveness: when the client last sent anything, when the server last pinged it, and
 * whether the server itself has been quiet. The server's sweep asks {@link #check} what to do; the
 * connection does it.
 *
 * <p>{@link #inbound} is called by the connection's inbound thread; everything else by the sweep, which
 * never checks one connection twice at once.
 */
final class Heartbeat {
    /** What a check decided. */
    enum Action { NONE, PING, CLOSE }

    private final long intervalMs;
    private final long timeoutMs;
    /** When the client last sent anything; any frame counts as liveness. */
    private volatile long lastInboundMs;
    /** Sweep only: writes seen at the last sweep, to tell an idle connection from a busy one. */
    private long writesAtLastSweep = -1;
    /** Sweep only. */
    private long lastOutboundActivityMs;
    /** Sweep only: when the sweep last queued a ping. */
    private long lastPingMs = Long.MIN_VALUE;

    Heartbeat(long intervalMs, long timeoutMs, long nowMs) {
        this.intervalMs = intervalMs;
        this.timeoutMs = timeoutMs;
        this.lastInboundMs = nowMs;
        this.lastOutboundActivityMs = nowMs;
    }

    /** The client sent something at {@code nowMs}. */
    void inbound(long nowMs) {
        lastInboundMs = nowMs;
    }

    /** How long the client has been silent at {@code nowMs}. */
    long silentFor(long nowMs) {
        return nowMs - lastInboundMs;
    }

    /**
     * Closes ({@link Action#CLOSE}) a client silent for interval + timeout whose ping reached the wire at
     * least a timeout ago; pings a client silent for an interval, and a connection the server wrote nothing
     * to for an interval. A {@link Action#PING} is taken as queued now.
     *
     * @param messagesWritten messages the connection's writer has written so far
     * @param pingWrittenMs   when the last ping actually left, {@code Long.MIN_VALUE} before the first
     */
    Action check(long nowMs, long messagesWritten, long pingWrittenMs) {
        long silentFor = silentFor(nowMs);
        long deadAfter = intervalMs + timeoutMs;
        if (silentFor > deadAfter && clientHadItsChance(nowMs, silentFor, deadAfter, pingWrittenMs)) {
            return Action.CLOSE;
        }
        if (messagesWritten != writesAtLastSweep) {
            writesAtLastSweep = messagesWritten;
            lastOutboundActivityMs = nowMs;
        }
        // A client that only receives never has a reason to write: ask it once per silence, even while
        // events flow, or a healthy subscriber would be closed. An idle connection is pinged as well, so
        // that the client and every proxy between see traffic.
        boolean clientQuiet = silentFor >= intervalMs && lastPingMs <= lastInboundMs;
        boolean serverQuiet = nowMs - lastOutboundActivityMs >= intervalMs;
        if (clientQuiet || serverQuiet) {
            lastPingMs = nowMs;
            lastOutboundActivityMs = nowMs;
            return Action.PING;
        }
        return Action.NONE;
    }

    /**
     * Whether a silent client could have answered: our ping went out at least a timeout ago. Behind an
     * outbound backlog (an overloaded server, a slow network) the ping leaves late, and closing a client
     * for not answering what it never received would only add a reconnect to the overload. A client
     * silent three times as long is closed regardless: the backlog itself is then the problem.
     */
    private boolean clientHadItsChance(long nowMs, long silentFor, long deadAfter, long pingWrittenMs) {
        boolean pingOut = lastPingMs != Long.MIN_VALUE && pingWrittenMs >= lastPingMs;
        return (pingOut && nowMs - pingWrittenMs >= timeoutMs) || silentFor > 3 * deadAfter;
    }
}
