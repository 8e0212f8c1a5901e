package io.pushwire.it;

import static io.pushwire.it.MarketTape.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operators' API: {@code GET /api/stats} and the paged {@code GET /api/sessions}, behind the admin token. */
class OpsApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "ops-secret";

    @Test
    void statsAndSessionsAreServedToTheAdminTokenOnly() throws Exception {
        try (ServerProcess server = ServerProcess.start("ops-api", Map.of("pushwire.admin.token", TOKEN));
             HttpClient http = HttpClient.newHttpClient();
             RawClient first = RawClient.connect(server);
             RawClient second = RawClient.connect(server)) {
            String firstId = first.hello().path("clientId").asText();
            first.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"sim.trades.BTC-USDT\"}");
            first.nextOfType("subscribed");
            String secondId = second.hello().path("clientId").asText();

            assertEquals(401, get(http, server, "/api/stats", null).statusCode());
            assertEquals(401, get(http, server, "/api/sessions", "wrong").statusCode());
            assertEquals(400, get(http, server, "/api/sessions?limit=0", TOKEN).statusCode());

            JsonNode stats = JSON.readTree(get(http, server, "/api/stats", TOKEN).body());
            assertEquals(2, stats.path("connections").asInt(), stats.toString());
            assertEquals(2, stats.path("sessionsAttached").asInt(), stats.toString());
            assertTrue(stats.path("counters").path("eventsPublished").asLong() > 0, stats.toString());
            assertTrue(stats.path("feeds").path("sim").path("running").asBoolean(), stats.toString());

            JsonNode page = JSON.readTree(get(http, server, "/api/sessions?offset=0&limit=1", TOKEN).body());
            assertEquals(2, page.path("total").asInt(), page.toString());
            assertEquals(1, page.path("sessions").size(), "one per page");
            JsonNode oldest = page.path("sessions").get(0);
            assertEquals(firstId, oldest.path("clientId").asText(), "oldest first");
            assertEquals("attached", oldest.path("state").asText());
            assertTrue(oldest.path("remoteAddress").asText().contains("127.0.0.1"), oldest.toString());
            assertEquals("sim.trades.BTC-USDT", oldest.path("subscriptions").get(0).asText());
            assertTrue(oldest.path("ageMs").asLong() >= 0 && oldest.has("queuedBytes") && oldest.has("queuedFrames"));
            assertEquals("local", oldest.path("node").asText(), "one node: it holds every attached session");

            JsonNode one = JSON.readTree(get(http, server, "/api/sessions/" + firstId, TOKEN).body());
            assertEquals(firstId, one.path("clientId").asText(), one.toString());
            assertEquals("attached", one.path("state").asText());
            assertEquals(404, get(http, server, "/api/sessions/NOSUCHSESSION", TOKEN).statusCode());
            assertEquals(401, get(http, server, "/api/sessions/" + firstId, null).statusCode());

            second.close();
            await(() -> detachedSecond(http, server, secondId), "the second session to show as detached");
        }
    }

    @Test
    void withoutAnAdminTokenTheSessionListIsNotServed() throws Exception {
        try (ServerProcess server = ServerProcess.start("ops-api-open", Map.of());
             HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> sessions = get(http, server, "/api/sessions", null);
            assertEquals(403, sessions.statusCode());
            assertTrue(sessions.body().contains("pushwire.admin.token"), sessions.body());
            assertEquals(200, get(http, server, "/api/stats", null).statusCode(), "stats are as open as the API");
        }
    }

    private static boolean detachedSecond(HttpClient http, ServerProcess server, String clientId) {
        try {
            JsonNode page = JSON.readTree(get(http, server, "/api/sessions?offset=1&limit=10", TOKEN).body());
            JsonNode session = page.path("sessions").get(0);
            return session != null && clientId.equals(session.path("clientId").asText())
                    && "detached".equals(session.path("state").asText()) && session.path("detachedForMs").asLong() >= 0
                    && session.path("remoteAddress").isNull();
        } catch (Exception e) {
            return false;
        }
    }

    private static HttpResponse<String> get(HttpClient http, ServerProcess server, String path, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.httpUri(path)).timeout(Duration.ofSeconds(5));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
