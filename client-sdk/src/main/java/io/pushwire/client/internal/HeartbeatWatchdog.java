package io.pushwire.client.internal;

import io.pushwire.protocol.Welcome;
import java.util.function.Consumer;

/**
 * Notices a half-open connection. The server pings an idle connection within {@code heartbeat.intervalMs}
 * and any frame counts as a sign of life, so when nothing at all has arrived for interval + timeout the
 * connection is dead, even if TCP has not said so (and a close handshake would never complete).
 *
 * <p>Event thread only. The timer goes through {@link CurrentConnection}, so it ends with the connection.
 */
final class HeartbeatWatchdog {
    private final Scheduler clock;
    private final ClientCounters counters;
    private final CurrentConnection connection;
    /** Told why, when the connection has been silent too long. */
    private final Consumer<String> silent;
    /** Interval + timeout of the last welcome; 0 when the server sends no heartbeat. */
    private long deadlineMs;
    private Scheduler.Cancellable timer;

    HeartbeatWatchdog(Scheduler clock, ClientCounters counters, CurrentConnection connection,
                      Consumer<String> silent) {
        this.clock = clock;
        this.counters = counters;
        this.connection = connection;
        this.silent = silent;
    }

    /** The welcome arrived: watch for the heartbeat it announced. */
    void start(Welcome.Heartbeat heartbeat) {
        deadlineMs = heartbeat.intervalMs() > 0 ? heartbeat.intervalMs() + Math.max(0, heartbeat.timeoutMs()) : 0;
        arm(deadlineMs);
    }

    void stop() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private void arm(long delayMs) {
        if (delayMs > 0) {
            timer = connection.schedule(delayMs, this::check);
        }
    }

    /** Measured from the last message ({@link ClientCounters#lastMessageAt}), so each message re-arms it. */
    private void check() {
        long silentMs = clock.nowMillis() - counters.lastMessageAt();
        if (silentMs < deadlineMs) {
            arm(deadlineMs - silentMs);
            return;
        }
        silent.accept("heartbeat timeout: nothing from the server for " + silentMs + " ms (interval + timeout "
                + deadlineMs + " ms)");
    }
}
