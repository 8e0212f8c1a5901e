package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Cross-site WebSocket hijacking: a page from a site that is not allowed is refused with 403 before
 * the upgrade; the server's own pages, localhost, listed origins and non-browser clients get through.
 */
class OriginIT {
    /**
     * The HTTP status of an upgrade to {@code server} with this {@code Origin} (null: none sent); 101 when
     * it succeeded. Also used by TlsIT, over TLS.
     */
    static int upgrade(ServerProcess server, String origin) {
        try (HttpClient http = server.httpClient().build()) {
            WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
            if (origin != null) {
                builder.header("Origin", origin);
            }
            WebSocket socket = builder.buildAsync(server.webSocketUri(), new WebSocket.Listener() { }).join();
            socket.abort();
            return 101;
        } catch (CompletionException e) {
            return assertInstanceOf(WebSocketHandshakeException.class, e.getCause(), e.toString()).getResponse().statusCode();
        }
    }

    @Test
    void byDefaultOnlyTheServersOwnPagesLocalhostAndNonBrowsersMayConnect() throws Exception {
        try (ServerProcess server = ServerProcess.start("origin-default", Map.of())) {
            assertEquals(101, upgrade(server, null), "no Origin: not a browser");
            assertEquals(101, upgrade(server, "http://127.0.0.1:" + server.port()), "the server's own page");
            assertEquals(101, upgrade(server, "http://localhost:3000"), "a developer's page on localhost");
            assertEquals(403, upgrade(server, "https://evil.example.net"));
            assertEquals(403, upgrade(server, "null"), "a sandboxed frame");
            assertTrue(server.get("/metrics").body().contains("pushwire_origins_rejected_total 2.0"),
                    "refusals are counted");
        }
    }

    @Test
    void anAllowListAdmitsExactlyItsOrigins() throws Exception {
        try (ServerProcess server = ServerProcess.start("origin-listed", Map.of(
                "pushwire.security.allowed-origins", "https://app.example.com,https://*.trading.example.com"))) {
            assertEquals(101, upgrade(server, "https://app.example.com"));
            assertEquals(101, upgrade(server, "https://eu.trading.example.com"));
            assertEquals(403, upgrade(server, "http://localhost:3000"), "localhost is not listed");
            assertEquals(403, upgrade(server, "http://127.0.0.1:" + server.port()), "nor same-origin");
            assertEquals(101, upgrade(server, null));
        }
    }
}
