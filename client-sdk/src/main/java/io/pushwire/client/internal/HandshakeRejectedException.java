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

    /**
     * Parses a {@code Retry-After} value: delay-seconds or an HTTP-date. Returns milliseconds from
     * {@code nowEpochMs}, or -1 when absent or unreadable.
     */
    public static long parseRetryAfter(String value, long nowEpochMs) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String trimmed = value.trim();
        try {
            long seconds = Long.parseLong(trimmed);
            return seconds < 0 ? -1 : Math.min(seconds, Long.MAX_VALUE / 1000) * 1000;
        } catch (NumberFormatException notSeconds) {
            try {
                long at = java.time.ZonedDateTime.parse(trimmed, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant().toEpochMilli();
                return Math.max(0, at - nowEpochMs);
            } catch (java.time.format.DateTimeParseException notADate) {
                return -1;
            }
        }
    }
}
