package io.pushwire.protocol;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The HTTP {@code Retry-After} header, as a refused WebSocket upgrade carries it: the Pushwire server's
 * 429 and 503, and an exchange's 429 or 418. Every reconnecting client honours it.
 */
public final class RetryAfter {
    private RetryAfter() {
    }

    /**
     * Parses a {@code Retry-After} value: delay-seconds or an HTTP-date. Returns milliseconds from
     * {@code nowEpochMs}, or -1 when absent or unreadable.
     */
    public static long parseMillis(String value, long nowEpochMs) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String trimmed = value.trim();
        try {
            long seconds = Long.parseLong(trimmed);
            return seconds < 0 ? -1 : Math.min(seconds, Long.MAX_VALUE / 1000) * 1000;
        } catch (NumberFormatException notSeconds) {
            try {
                long at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Math.max(0, at - nowEpochMs);
            } catch (DateTimeParseException notADate) {
                return -1;
            }
        }
    }
}
