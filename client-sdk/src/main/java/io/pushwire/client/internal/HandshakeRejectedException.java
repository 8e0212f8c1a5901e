package io.pushwire.client.internal;

/**
 * The server answered the WebSocket upgrade with an HTTP status instead of switching protocols, for
 * example {@code 429 Too Many Requests} with {@code Retry-After}.
 */
public final class HandshakeRejectedException extends RuntimeException {
    private final int status;
    private final long retryAfterMs;

    /** {@code retryAfterMs} is -1 when the response had no usable {@code Retry-After}. */
    public HandshakeRejectedException(int status, long retryAfterMs, Throwable cause) {
        super("WebSocket handshake rejected with HTTP " + status
                + (retryAfterMs >= 0 ? ", Retry-After " + retryAfterMs + " ms" : ""), cause);
        this.status = status;
        this.retryAfterMs = retryAfterMs;
    }

    public int status() {
        return status;
    }

    /** Milliseconds the server asked to wait, or -1. */
    public long retryAfterMs() {
        return retryAfterMs;
    }
}
