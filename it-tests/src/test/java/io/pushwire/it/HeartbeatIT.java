package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Heartbeat through the real server, with short timings: 600 ms interval, 600 ms timeout. */
class HeartbeatIT {
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start("heartbeat", Map.of(
                "pushwire.heartbeat.interval-ms", "600",
                "pushwire.heartbeat.timeout-ms", "600",
                "pushwire.feeds.simulated.enabled", "false"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void silentClientIsPingedThenClosedWith4000() throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            JsonNode welcome = client.hello();
            assertEquals(600, welcome.path("heartbeat").path("intervalMs").asLong());
            long start = System.nanoTime();
            JsonNode ping = client.next();
            assertEquals("ping", ping.path("type").asText(), ping.toString());
            assertTrue(ping.path("ts").asLong() > 0);
            assertEquals(4000, client.awaitClose(5));
            long closedAfterMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(closedAfterMs >= 1_000, "closed too early: " + closedAfterMs + " ms");
        }
    }

    @Test
    void clientThatAnswersPingsStaysConnected() throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            long deadline = System.nanoTime() + 3_000_000_000L;
            int pings = 0;
            while (System.nanoTime() < deadline) {
                JsonNode frame = client.next();
                if ("ping".equals(frame.path("type").asText())) {
                    pings++;
                    client.send("{\"type\":\"pong\",\"ts\":" + frame.path("ts").asLong() + "}");
                }
            }
            assertTrue(pings >= 3, "pings in 3 s: " + pings);
            assertFalse(client.isClosed(), "a client that answers must stay connected");
        }
    }
}
