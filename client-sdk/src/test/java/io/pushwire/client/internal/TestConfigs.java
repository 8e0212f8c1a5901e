package io.pushwire.client.internal;

import io.pushwire.client.PushListener;
import java.net.URI;
import java.time.Duration;
import java.util.Random;
import java.util.function.Supplier;

/** A {@link ClientConfig} with the builder's defaults, for the unit tests of the client's parts. */
final class TestConfigs {
    private TestConfigs() {
    }

    /** The defaults, with a fixed token or a supplier (either may be null) and manual time. */
    static ClientConfig withToken(String token, Supplier<String> supplier, ManualScheduler time) {
        return new ClientConfig(URI.create("ws://fake/ws"), Duration.ofSeconds(10), token, supplier,
                Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(30), 2, Integer.MAX_VALUE,
                Duration.ofSeconds(10), 1000, new PushListener() { }, null, time, new Random(0));
    }
}
