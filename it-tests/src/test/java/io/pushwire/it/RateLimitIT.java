package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bucket4j inbound limits through the real server: 10 frames/s, burst 10, abuse at 5x the rate. */
class RateLimitIT {
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start("ratelimit", Map.of(
                "pushwire.limits.inbound.rate", "10",
                "pushwire.limits.inbound.burst", "10",
                "pushwire.limits.inbound.abuse-factor", "5",
                "pushwire.feeds.simulated.enabled", "false"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void framesOverTheBurstGetRateLimitedWithRetryAfter() throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            JsonNode welcome = client.hello();
            assertEquals(10, welcome.path("limits").path("ratePerSec").asInt());
            for (int i = 0; i < 12; i++) {
                client.send("{\"type\":\"subscribe\",\"id\":" + (100 + i) + ",\"channel\":\"news.c" + i + "\"}");
            }
            java.util.Set<Long> served = new java.util.HashSet<>();
            JsonNode limited = null;
            for (int reply = 0; reply < 12; reply++) { // every request gets exactly one reply
                JsonNode frame = client.next();
                if ("subscribed".equals(frame.path("type").asText())) {
                    served.add(frame.path("id").asLong());
                } else if (limited == null) {
                    limited = frame;
                }
            }
            // Hello plus 9 subscribes fill the burst of 10; a token may refill while they travel.
            assertTrue(served.size() >= 9 && served.size() < 12, "served " + served);
            assertEquals("rate_limited", limited.path("code").asText());
            long refusedId = limited.path("id").asLong();
            assertTrue(refusedId >= 100 && refusedId < 112 && !served.contains(refusedId),
                    "the error names a refused request: " + limited);
            assertTrue(limited.path("temporary").asBoolean());
            long retryAfterMs = limited.path("retryAfterMs").asLong();
            assertTrue(retryAfterMs > 0 && retryAfterMs <= 100, "retryAfterMs " + retryAfterMs);

            Thread.sleep(retryAfterMs + 200);
            client.send("{\"type\":\"ping\",\"ts\":5}");
            assertEquals(5, client.nextOfType("pong").path("ts").asLong(), "served again after the wait");
        }
    }

    @Test
    void aClientThatKeepsFloodingIsClosedWith4429AndOthersAreServed() throws Exception {
        try (RawClient flooder = RawClient.connect(server); RawClient polite = RawClient.connect(server)) {
            flooder.hello();
            polite.hello();
            for (int i = 0; i < 500 && !flooder.isClosed(); i++) {
                flooder.send("{\"type\":\"ping\"}");
            }
            assertEquals(4429, flooder.awaitClose(10));
            polite.send("{\"type\":\"ping\",\"ts\":9}");
            assertEquals(9, polite.nextOfType("pong").path("ts").asLong());
        }
    }
}
