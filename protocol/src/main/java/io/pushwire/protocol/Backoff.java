package io.pushwire.protocol;

import java.util.Random;

/**
 * Exponential backoff with full jitter: the delay before reconnect attempt {@code n} (1-based) is uniform
 * in {@code [0, min(maxDelay, initialDelay * multiplier^(n-1))]}. Full jitter spreads a crowd of clients
 * that lost the same server at the same moment over the whole window instead of bunching them at its end.
 * Not thread-safe: used by the event thread only (like its {@link Random}).
 */
public final class Backoff {
    private final long initialDelayMs;
    private final long maxDelayMs;
    private final double multiplier;
    private final Random random;

    public Backoff(long initialDelayMs, long maxDelayMs, double multiplier, Random random) {
        if (initialDelayMs < 0 || maxDelayMs < initialDelayMs) {
            throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay, got " + initialDelayMs
                    + " and " + maxDelayMs);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number >= 1, got " + multiplier);
        }
        this.initialDelayMs = initialDelayMs;
        this.maxDelayMs = maxDelayMs;
        this.multiplier = multiplier;
        this.random = random;
    }

    /** The upper bound of the window for attempt {@code n}: {@code min(max, initial * multiplier^(n-1))}. */
    public long ceilingMillis(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1: " + attempt);
        }
        double ceiling = initialDelayMs * Math.pow(multiplier, attempt - 1);
        return ceiling >= maxDelayMs ? maxDelayMs : (long) ceiling;
    }

    /** A random delay in {@code [0, ceilingMillis(attempt)]}. */
    public long delayMillis(int attempt) {
        return jitter(ceilingMillis(attempt));
    }

    /** A random value in {@code [0, bound]}. */
    public long jitter(long bound) {
        return Math.round(random.nextDouble() * bound);
    }

    public long initialDelayMillis() {
        return initialDelayMs;
    }

    public long maxDelayMillis() {
        return maxDelayMs;
    }
}
