package io.pushwire.client.internal;

import io.pushwire.protocol.Backoff;
import io.pushwire.protocol.CloseCode;
import java.util.function.LongSupplier;

/**
 * Decides, when a connection ends, whether to reconnect and after how long. Pure bookkeeping with an
 * injected clock and {@link Backoff}; owned by the event thread.
 *
 * <ul>
 *   <li>Every non-terminal end reconnects after a full-jitter backoff; {@code attempt} counts the
 *       reconnects since the last <em>stable</em> connection (one that stayed up {@code stableAfterMs}).</li>
 *   <li>A floor set by the server (HTTP 429 {@code Retry-After}, {@code retryAfterMs}) delays the
 *       reconnect by at least that much; 4429 by at least {@code maxDelay}; 4002 by at least
 *       {@code initialDelay}. The jittered backoff is added on top so that a crowd told the same
 *       floor does not come back in the same millisecond.</li>
 *   <li>{@code goaway} replaces the backoff by the delay the server asked for, jittered in
 *       {@code [d, d + min(d, initialDelay)]} ({@code [0, initialDelay]} when {@code d} is 0).</li>
 *   <li>Terminal: 1009, 4003, and 4400-4499 except 4429 and, when a token supplier can get a new
 *       token, a first 4401. A second 4401 in a row (the fresh token was refused too) is terminal.</li>
 * </ul>
 */
public final class ReconnectPlanner {
    /** What to do after a connection ended. */
    public record Plan(boolean reconnect, int attempt, long delayMillis, String stopReason) {
        static Plan reconnect(int attempt, long delayMillis) {
            return new Plan(true, attempt, delayMillis, null);
        }

        static Plan stop(String reason) {
            return new Plan(false, 0, 0, reason);
        }
    }

    private final Backoff backoff;
    private final int maxAttempts;
    private final long stableAfterMs;
    private final boolean canRenewToken;
    private final LongSupplier clock;

    private int attempts;
    private int unauthorizedInARow;
    /** When the current connection got its welcome, or -1. */
    private long connectedAt = -1;
    /** The server said: not before this instant (Retry-After, retryAfterMs); MIN_VALUE when it did not. */
    private long notBefore = Long.MIN_VALUE;
    /** A goaway asked to reconnect at this instant; -1 when none is pending. */
    private long goawayAt = -1;

    public ReconnectPlanner(Backoff backoff, int maxAttempts, long stableAfterMs, boolean canRenewToken,
                            LongSupplier clock) {
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be >= 0: " + maxAttempts);
        }
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.stableAfterMs = stableAfterMs;
        this.canRenewToken = canRenewToken;
        this.clock = clock;
    }

    /** The application (re)started the client: forget earlier failures. */
    public void reset() {
        attempts = 0;
        unauthorizedInARow = 0;
        connectedAt = -1;
        notBefore = Long.MIN_VALUE;
        goawayAt = -1;
    }

    /**
     * A welcome arrived. Returns how long from now the connection becomes stable, when
     * {@link #settleIfStable} should be called.
     */
    public long connected() {
        connectedAt = clock.getAsLong();
        return stableAfterMs;
    }

    /** Whether the current connection has been up long enough to count as stable. */
    public boolean isStable() {
        return connectedAt >= 0 && clock.getAsLong() - connectedAt >= stableAfterMs;
    }

    /**
     * If the current connection is stable, forgets the failures before it: the next reconnect is attempt 1
     * again, and a 4401 is a first one. Returns whether it was stable. Called when the connection becomes
     * stable (so that {@link #attempts} says so while it lasts) and again when it ends.
     */
    public boolean settleIfStable() {
        if (!isStable()) {
            return false;
        }
        attempts = 0;
        unauthorizedInARow = 0;
        return true;
    }

    /** The server asked not to come back (or send) before {@code delayMs} from now. */
    public void retryAfter(long delayMs) {
        notBefore = Math.max(notBefore, clock.getAsLong() + Math.max(0, delayMs));
    }

    /**
     * A goaway: returns the jittered delay after which to reconnect, also used by the next {@link #lost}.
     * The server already spreads {@code reconnectAfterMs} over its clients, so the jitter added here is
     * small: at most {@code min(d, initialDelay)}, or {@code initialDelay} when {@code d} is 0.
     */
    public long goaway(long reconnectAfterMs) {
        long d = Math.max(0, reconnectAfterMs);
        long delay = d + backoff.jitter(d > 0 ? Math.min(d, backoff.initialDelayMillis()) : backoff.initialDelayMillis());
        goawayAt = clock.getAsLong() + delay;
        return delay;
    }

    /** Consecutive reconnect attempts since the last stable connection. */
    public int attempts() {
        return attempts;
    }

    /** The connection (or the attempt to open one) ended with {@code code}. */
    public Plan lost(int code) {
        settleIfStable();
        long now = clock.getAsLong();
        connectedAt = -1;
        long goaway = goawayAt;
        long floor = Math.max(0, notBefore == Long.MIN_VALUE ? 0 : notBefore - now);
        goawayAt = -1;
        notBefore = Long.MIN_VALUE;

        String terminal = terminalReason(code);
        if (terminal != null) {
            return Plan.stop(terminal);
        }
        if (attempts >= maxAttempts) {
            return Plan.stop(maxAttempts == 0 ? "reconnecting is disabled (maxReconnectAttempts 0)"
                    : "gave up after " + maxAttempts + " reconnect attempts");
        }
        attempts++;
        if (goaway >= 0) {
            return Plan.reconnect(attempts, Math.max(floor, goaway - now));
        }
        if (code == CloseCode.RATE_LIMIT_ABUSE) {
            floor = Math.max(floor, backoff.maxDelayMillis());
        } else if (code == CloseCode.OVERLOADED) {
            floor = Math.max(floor, backoff.initialDelayMillis());
        }
        return Plan.reconnect(attempts, floor + backoff.delayMillis(attempts));
    }

    private String terminalReason(int code) {
        if (code == CloseCode.UNAUTHORIZED) {
            unauthorizedInARow++;
            if (!canRenewToken) {
                return "unauthorized (4401) and no token supplier to get a new token";
            }
            if (unauthorizedInARow > 1) {
                return "unauthorized (4401) again with a token fresh from the supplier";
            }
            return null;
        }
        unauthorizedInARow = 0;
        if (code == CloseCode.TOO_BIG) {
            return "a message was over the server's maxFrameBytes (1009)";
        }
        if (code == CloseCode.TAKEN_OVER) {
            return "the session was taken over by a newer connection (4003)";
        }
        if (code == CloseCode.RATE_LIMIT_ABUSE) {
            return null;
        }
        if (code >= 4400 && code <= 4499) {
            return "terminal close code " + code;
        }
        return null;
    }
}
