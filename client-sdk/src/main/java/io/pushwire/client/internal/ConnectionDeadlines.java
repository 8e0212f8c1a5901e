package io.pushwire.client.internal;

import io.pushwire.protocol.CloseCode;
import io.pushwire.protocol.Welcome;

/**
 * The deadlines a connection must meet, or be dropped:
 * <ul>
 *   <li>its {@code welcome} within {@code connectTimeout} of the attempt's start;</li>
 *   <li>once welcomed, a sign of life within the heartbeat's interval + timeout. The server pings an idle
 *       connection within the interval and any frame counts, so a connection silent for longer is
 *       half-open: TCP has not noticed, and a close handshake would never complete;</li>
 *   <li>after a {@code goaway}, leaving by the time the server asked for (if the server has not closed
 *       the connection first).</li>
 * </ul>
 * A missed deadline drops the connection through the {@link FrameSender} (aborted; closed with 1000 after
 * a goaway) and tells {@link ClientCore} how it ended.
 *
 * <p>Event thread only. The timers go through {@link CurrentConnection}, so they end with the connection.
 */
final class ConnectionDeadlines {
    /** How a connection that missed a deadline ended. */
    interface Missed {
        void lost(int closeCode, String reason);
    }

    private final long connectTimeoutMs;
    private final Scheduler clock;
    private final ClientCounters counters;
    private final CurrentConnection connection;
    private final FrameSender sender;
    private final Missed missed;
    /** Interval + timeout of the last welcome; 0 when the server sends no heartbeat. */
    private long heartbeatDeadlineMs;
    private Scheduler.Cancellable welcomeTimer;
    private Scheduler.Cancellable heartbeatTimer;
    private Scheduler.Cancellable goawayTimer;

    ConnectionDeadlines(long connectTimeoutMs, Scheduler clock, ClientCounters counters, CurrentConnection connection,
                        FrameSender sender, Missed missed) {
        this.connectTimeoutMs = connectTimeoutMs;
        this.clock = clock;
        this.counters = counters;
        this.connection = connection;
        this.sender = sender;
        this.missed = missed;
    }

    /** An attempt starts: its welcome is due within the connect timeout. */
    void attemptStarted() {
        welcomeTimer = connection.schedule(connectTimeoutMs, () -> {
            if (!connection.isConnected()) {
                // Drop the socket first: its own close callback is then stale and ignored.
                sender.abort();
                missed.lost(1006, "no welcome within " + connectTimeoutMs + " ms");
            }
        });
    }

    /** The welcome arrived: the attempt met its deadline. */
    void welcomed() {
        cancel(welcomeTimer);
    }

    /** From the welcome on, watch for the heartbeat it announced. */
    void watchHeartbeat(Welcome.Heartbeat heartbeat) {
        heartbeatDeadlineMs = heartbeat.intervalMs() > 0
                ? heartbeat.intervalMs() + Math.max(0, heartbeat.timeoutMs()) : 0;
        armHeartbeat(heartbeatDeadlineMs);
    }

    /** The server is draining: leave after {@code delayMs} (the planner's jittered delay) if still here. */
    void goaway(long delayMs, String reason) {
        cancel(goawayTimer);
        goawayTimer = connection.schedule(delayMs, () -> {
            if (connection.isConnected()) {
                sender.close(CloseCode.NORMAL, "goaway");
                missed.lost(CloseCode.GOING_AWAY, "server draining (goaway: " + reason + ")");
            }
        });
    }

    void connectionEnded() {
        cancel(welcomeTimer);
        cancel(heartbeatTimer);
        cancel(goawayTimer);
        welcomeTimer = heartbeatTimer = goawayTimer = null;
    }

    private void armHeartbeat(long delayMs) {
        if (delayMs > 0) {
            heartbeatTimer = connection.schedule(delayMs, this::checkHeartbeat);
        }
    }

    /** Measured from the last message ({@link ClientCounters#lastMessageAt}), so each message moves it. */
    private void checkHeartbeat() {
        long silentMs = clock.nowMillis() - counters.lastMessageAt();
        if (silentMs < heartbeatDeadlineMs) {
            armHeartbeat(heartbeatDeadlineMs - silentMs);
            return;
        }
        sender.abort(); // half-open TCP: a close handshake would never complete
        missed.lost(CloseCode.HEARTBEAT_TIMEOUT, "heartbeat timeout: nothing from the server for " + silentMs
                + " ms (interval + timeout " + heartbeatDeadlineMs + " ms)");
    }

    private static void cancel(Scheduler.Cancellable timer) {
        if (timer != null) {
            timer.cancel();
        }
    }
}
