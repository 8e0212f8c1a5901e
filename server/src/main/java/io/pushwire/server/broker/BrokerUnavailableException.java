package io.pushwire.server.broker;

/**
 * The broker cannot be reached now (a shared broker's server is down, paused or too slow). Temporary by
 * nature: the same call may succeed once the broker is back. Clients get an {@code internal} error with
 * {@code temporary:true}; the HTTP API answers 503.
 *
 * <p>When the broker was not reached at all, nothing was done. When it was reached but did not answer in
 * time ({@link #outcomeUnknown()}), the call may still take effect when it wakes up: a publish retried
 * then may publish twice, unless it carries an idempotency key.
 */
public final class BrokerUnavailableException extends RuntimeException {
    private final boolean outcomeUnknown;

    public BrokerUnavailableException(String message, boolean outcomeUnknown, Throwable cause) {
        super(message, cause);
        this.outcomeUnknown = outcomeUnknown;
    }

    /** Whether the call may still take effect (it timed out), rather than surely not (it was refused). */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
