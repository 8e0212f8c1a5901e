package io.pushwire.server.feed.upstream;

import io.pushwire.protocol.Backoff;

/**
 * One upstream failure, classified.
 *
 * @param kind         its class
 * @param detail       what happened, for logs and health data
 * @param retryAfterMs what the exchange asked us to wait ({@code Retry-After}), or -1
 */
public record Failure(FailureClass kind, String detail, long retryAfterMs) {
    public Failure(FailureClass kind, String detail) {
        this(kind, detail, -1);
    }

    /**
     * How long to wait before attempt {@code attempt} (1-based): full jitter within the backoff window,
     * never less than the exchange's {@code Retry-After}; a fatal or auth failure waits the whole
     * maximum, because retrying it sooner only adds noise (and may get the address banned).
     */
    public long delayMs(Backoff backoff, int attempt) {
        long delay = switch (kind) {
            case FATAL, AUTH -> backoff.maxDelayMillis();
            case RATE_LIMIT -> Math.max(backoff.initialDelayMillis(), backoff.delayMillis(attempt));
            case TRANSIENT_NETWORK, PROTOCOL -> backoff.delayMillis(attempt);
        };
        return retryAfterMs > 0 ? Math.max(delay, retryAfterMs + backoff.jitter(backoff.initialDelayMillis())) : delay;
    }

    @Override
    public String toString() {
        return kind + ": " + detail + (retryAfterMs >= 0 ? " (Retry-After " + retryAfterMs + " ms)" : "");
    }
}
