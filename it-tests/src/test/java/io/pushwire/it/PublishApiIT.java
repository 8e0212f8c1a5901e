package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /api/channels/{channel}/events} through the real server, with an admin token set. */
class PublishApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "it-admin-token";
    private static ServerProcess server;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start("publish-api", Map.of("pushwire.admin.token", TOKEN,
                "pushwire.limits.max-frame-bytes", "1024"));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        server.close();
    }

    private HttpResponse<String> post(String channel, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.httpUri("/api/channels/" + channel + "/events"))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPublishedEventReachesSubscribersWithItsData() throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            client.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"app.orders\"}");
            long head = client.nextOfType("subscribed").path("seq").asLong();

            HttpResponse<String> response = post("app.orders", "{\"order\":42,\"side\":\"buy\"}", "Bearer " + TOKEN);

            assertEquals(200, response.statusCode(), response.body());
            JsonNode reply = JSON.readTree(response.body());
            assertEquals("app.orders", reply.path("channel").asText());
            assertEquals(head + 1, reply.path("seq").asLong());
            assertEquals(1, reply.path("subscribers").asInt());
            JsonNode event = client.nextOfType("event");
            assertEquals(head + 1, event.path("seq").asLong());
            assertEquals(JSON.readTree("{\"order\":42,\"side\":\"buy\"}"), event.path("data"));
        }
    }

    private HttpResponse<String> postWithKey(String channel, String body, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(server.httpUri("/api/channels/" + channel + "/events"))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN).header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyGetsTheFirstSeqAndPublishesNothing() throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            client.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"app.payments\"}");
            long head = client.nextOfType("subscribed").path("seq").asLong();

            HttpResponse<String> first = postWithKey("app.payments", "{\"payment\":7}", "payment-7");
            HttpResponse<String> retry = postWithKey("app.payments", "{\"payment\":7}", "payment-7");
            HttpResponse<String> next = postWithKey("app.payments", "{\"payment\":8}", "payment-8");

            assertEquals(200, retry.statusCode(), retry.body());
            assertEquals(head + 1, JSON.readTree(first.body()).path("seq").asLong());
            assertEquals(head + 1, JSON.readTree(retry.body()).path("seq").asLong(), retry.body());
            assertTrue(JSON.readTree(retry.body()).path("repeated").asBoolean(), retry.body());
            assertEquals(head + 2, JSON.readTree(next.body()).path("seq").asLong(), "the retry took no seq");
            assertEquals(7, client.nextOfType("event").path("data").path("payment").asInt());
            assertEquals(8, client.nextOfType("event").path("data").path("payment").asInt(), "no second 7");
        }
        HttpResponse<String> badKey = postWithKey("app.payments", "1", "x".repeat(256));
        assertEquals(400, badKey.statusCode());
        assertEquals("bad_request", JSON.readTree(badKey.body()).path("code").asText());
    }

    @Test
    void withoutTheAdminTokenThePublishIsRefusedAndNothingIsPublished() throws Exception {
        HttpResponse<String> missing = post("app.secure", "1", null);
        HttpResponse<String> wrong = post("app.secure", "1", "Bearer not-" + TOKEN);

        assertEquals(401, missing.statusCode());
        assertEquals("Bearer", missing.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals("unauthorized", JSON.readTree(missing.body()).path("code").asText());
        assertEquals(401, wrong.statusCode());
        HttpResponse<String> first = post("app.secure", "1", "Bearer " + TOKEN);
        assertEquals(1, JSON.readTree(first.body()).path("seq").asLong(), "the refused publishes left no event");
    }

    @Test
    void badBodiesAndForbiddenChannelsGetAClearError() throws Exception {
        String auth = "Bearer " + TOKEN;
        assertError(post("app.x", "{\"a\":", auth), 400, "bad_request", "body is not JSON");
        assertError(post("app.x", "1 2", auth), 400, "bad_request", "body is not JSON");
        assertError(post("app.x", "", auth), 400, "bad_request", "body is empty");
        assertError(post("app.x", "{\"price\":1e400}", auth), 400, "bad_request", "beyond the range of a double");
        assertError(post("bad%20name", "1", auth), 400, "bad_request", "characters outside");
        assertError(post("sim.trades.FAKE", "1", auth), 403, "forbidden", "belongs to a feed");
        assertError(post("$me", "1", auth), 403, "forbidden", "private to a session");
        assertError(post("app.x", "\"" + "x".repeat(2000) + "\"", auth), 413, "too_large", "limit is 1024");
        assertTrue(server.get("/health/live").statusCode() == 200, "the server is still fine");
    }

    private static void assertError(HttpResponse<String> response, int status, String code, String messagePart)
            throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals(code, body.path("code").asText(), response.body());
        assertTrue(body.path("message").asText().contains(messagePart), response.body());
    }
}
