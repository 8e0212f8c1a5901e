package io.pushwire.server.core;

import java.util.Locale;

/**
 * Outbound lanes, drained in this order. {@code CONTROL} carries frames that are not part of a
 * channel's stream (welcome, errors, pong, ping, goaway); channels are {@code HIGH}, {@code NORMAL} or
 * {@code LOW} by configuration, and a channel's replies and gaps ride in its own lane so that they keep
 * their place among its events.
 */
public enum Lane {
    CONTROL, HIGH, NORMAL, LOW;

    /** Parses a configured channel priority: {@code high}, {@code normal} or {@code low}. */
    public static Lane ofChannel(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "high" -> HIGH;
            case "normal" -> NORMAL;
            case "low" -> LOW;
            default -> throw new IllegalArgumentException(
                    "channel priority must be high, normal or low, got '" + value + "'");
        };
    }
}
