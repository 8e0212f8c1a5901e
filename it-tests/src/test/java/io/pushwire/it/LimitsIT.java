package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-address and per-session limits through the real server: 4002 for connections, limit_exceeded for subscriptions. */
class LimitsIT {
    @Test
    void connectionsOverThePerAddressLimitAreClosed4002AndSubscriptionsOverTheSessionLimitAreRefused() throws Exception {
        try (ServerProcess server = ServerProcess.start("limits", Map.of(
                "pushwire.limits.max-connections-per-address", "2",
                "pushwire.limits.max-subscriptions", "2"));
             RawClient first = RawClient.connect(server);
             RawClient second = RawClient.connect(server)) {
            // A welcome shows the server has taken the connection in: a client's upgrade can complete before
            // the server's side of it opens, so without them the server may count the three in another order.
            first.hello();
            second.hello();
            try (RawClient third = RawClient.connect(server)) {
                assertEquals(4002, third.awaitClose(5), "a third connection from 127.0.0.1");
            }

            first.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"sim.trades.BTC-USDT\"}");
            first.nextOfType("subscribed");
            first.send("{\"type\":\"subscribe\",\"id\":3,\"channel\":\"sim.ticker.BTC-USDT\"}");
            first.nextOfType("subscribed");
            first.send("{\"type\":\"subscribe\",\"id\":4,\"channel\":\"sim.trades.ETH-USDT\"}");
            JsonNode refused = first.nextOfType("error");

            assertEquals("limit_exceeded", refused.path("code").asText(), refused.toString());
            assertEquals(4, refused.path("id").asInt());
            assertTrue(refused.path("message").asText().contains("max-subscriptions"), refused.toString());
            String metrics = server.get("/metrics").body();
            assertTrue(metrics.contains("pushwire_connections_refused_total 1.0"), metrics);
            assertTrue(metrics.contains("pushwire_limits_exceeded_total 1.0"), metrics);
            assertTrue(metrics.contains("pushwire_connections_closed_total{code=\"4002\"} 1.0"), metrics);
        }
    }

    @Test
    void overTheChannelCapNeitherASubscribeNorAPublishCreatesAChannel() throws Exception {
        try (ServerProcess server = ServerProcess.start("limits-channels", Map.of("pushwire.limits.max-channels", "2"));
             RawClient client = RawClient.connect(server)) {
            client.hello();
            client.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"room.one\"}");
            client.nextOfType("subscribed");
            client.send("{\"type\":\"subscribe\",\"id\":3,\"channel\":\"sim.trades.BTC-USDT\"}");
            client.nextOfType("subscribed"); // a feed's channel: not counted
            assertEquals(200, server.post("/api/channels/room.two/events", "{\"n\":1}").statusCode());

            client.send("{\"type\":\"subscribe\",\"id\":4,\"channel\":\"room.three\"}");
            JsonNode refused = client.nextOfType("error");
            HttpResponse<String> published = server.post("/api/channels/room.four/events", "{\"n\":1}");

            assertEquals("limit_exceeded", refused.path("code").asText(), refused.toString());
            assertEquals(4, refused.path("id").asInt());
            assertTrue(refused.path("message").asText().contains("max-channels"), refused.toString());
            assertEquals(429, published.statusCode(), published.body());
            assertTrue(published.body().contains("limit_exceeded"), published.body());
            assertEquals(200, server.post("/api/channels/room.one/events", "{\"n\":2}").statusCode(),
                    "an existing channel still takes events");
            assertTrue(server.get("/metrics").body().contains("pushwire_limits_exceeded_total 2.0"));
        }
    }
}
