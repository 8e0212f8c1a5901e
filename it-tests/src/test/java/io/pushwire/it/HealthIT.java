package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** MicroProfile Health probes with their data. */
@ExtendWith(SharedServer.class)
class HealthIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readinessIsUpWithSessionsChannelsAndFeeds(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            JsonNode ready = JSON.readTree(server.get("/health/ready").body());
            assertEquals("UP", ready.path("status").asText());
            JsonNode data = ready.path("checks").get(0).path("data");
            assertTrue(data.path("sessions").asInt() >= 1, data.toString());
            assertEquals(6, data.path("channels").asInt(), data.toString());
            assertTrue(data.path("feed.sim.running").asBoolean(), data.toString());
            assertTrue(data.path("feed.sim.published").asLong() > 0, data.toString());
            assertTrue(data.path("eventsPublished").asLong() > 0, data.toString());
            assertTrue(data.path("messagesOut").asLong() > 0, data.toString());
            assertTrue(data.path("meanBatchSizeX100").asLong() >= 100, data.toString());
            for (String counter : new String[] {"framesIn", "framesOut", "protocolErrors", "slowConsumerCloses",
                    "heartbeatTimeouts", "pingsSent", "rateLimited", "abuseCloses", "queuedBytes", "eventsFannedOut"}) {
                assertTrue(data.has(counter), counter + " missing from " + data);
            }
        }
    }

    @Test
    void livenessAndStartupAreUp(ServerProcess server) throws Exception {
        for (String path : new String[] {"/health/live", "/health/started", "/health"}) {
            HttpResponse<String> response = server.get(path);
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            assertEquals("UP", JSON.readTree(response.body()).path("status").asText(), path);
        }
    }

    @Test
    void startedReportsTheEnabledFeeds(ServerProcess server) throws Exception {
        JsonNode started = JSON.readTree(server.get("/health/started").body());
        JsonNode data = started.path("checks").get(0).path("data");
        assertEquals("sim", data.path("feeds").asText(), started.toString());
        assertEquals(6, data.path("channels").asInt(), started.toString());
    }

    @Test
    void startedWellWithinTheBudget(ServerProcess server) {
        assertTrue(server.readyAfterMs() < 30_000, "ready after " + server.readyAfterMs() + " ms");
    }
}
