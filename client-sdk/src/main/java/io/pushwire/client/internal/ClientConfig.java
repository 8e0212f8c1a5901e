package io.pushwire.client.internal;

import io.pushwire.client.PushListener;
import java.net.URI;
import java.time.Duration;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Everything a {@link ClientCore} is configured with, validated by the public builder.
 *
 * @param token          a fixed token, or null
 * @param tokenSupplier  asked for a token before every connection and before expiry, or null
 * @param scheduler      null: the event thread's own timers and the system clocks
 */
public record ClientConfig(URI uri, Duration connectTimeout, String token, Supplier<String> tokenSupplier,
                           Duration tokenRefreshMargin, Duration initialDelay, Duration maxDelay,
                           double multiplier, int maxReconnectAttempts, Duration stableAfter,
                           int publishBufferSize, PushListener listener, TransportFactory transports,
                           Scheduler scheduler, Random random) {
}
