package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM drains: every connection gets {@code goaway} with its own reconnect delay, readiness goes DOWN,
 * new handshakes get 503, and after the grace period the rest is closed with 1001 (never a dropped socket).
 */
class ShutdownIT {

    @Test
    void sigtermSendsGoawayThenClosesWith1001() throws Exception {
        ServerProcess server = ServerProcess.start("shutdown", Map.of(
                "pushwire.drain.spread-ms", "1000",
                "pushwire.drain.grace-ms", "3000"));
        try (RawClient subscribed = RawClient.connect(server); RawClient idle = RawClient.connect(server)) {
            subscribed.hello();
            subscribed.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"sim.trades.BTC-USDT\"}");
            subscribed.nextOfType("subscribed");
            idle.hello();

            server.signalTerm();

            for (RawClient client : new RawClient[] {subscribed, idle}) {
                JsonNode goaway = client.nextOfType("goaway");
                long delay = goaway.path("reconnectAfterMs").asLong(-1);
                assertTrue(delay >= 0 && delay <= 1000, "reconnectAfterMs within the spread: " + goaway);
                assertEquals("server shutting down", goaway.path("reason").asText());
            }
            assertEquals(503, server.get("/health/ready").statusCode(), "readiness is DOWN while draining");
            try (HttpClient http = HttpClient.newHttpClient()) {
                CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                        () -> http.newWebSocketBuilder().buildAsync(server.webSocketUri(), new WebSocket.Listener() { })
                                .join());
                WebSocketHandshakeException handshake = (WebSocketHandshakeException) refused.getCause();
                assertEquals(503, handshake.getResponse().statusCode(), "new handshakes refused while draining");
            }
            assertEquals(1001, subscribed.awaitClose(10));
            assertEquals(1001, idle.awaitClose(10));
        } finally {
            server.close();
        }
    }
}
