package io.pushwire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The JDK transport against a real HTTP server that refuses the upgrade. */
class JdkWebSocketTransportTest {
    private static final TransportListener NO_OP = new TransportListener() {
        @Override
        public CompletionStage<?> onText(String message) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onClosed(int code, String reason) {
        }
    };

    @Test
    void http429OnTheHandshakeCarriesRetryAfter() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ws", exchange -> {
            exchange.getResponseHeaders().add("Retry-After", "3");
            exchange.sendResponseHeaders(429, -1);
            exchange.close();
        });
        server.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("ws://127.0.0.1:" + server.getAddress().getPort() + "/ws");
            CompletableFuture<Transport> opening = JdkWebSocketTransport.factory(http)
                    .open(uri, List.of("pushwire.v1"), Duration.ofSeconds(5), NO_OP);
            ExecutionException failure = assertThrows(ExecutionException.class, () -> opening.get(5, TimeUnit.SECONDS));
            HandshakeRejectedException rejected = assertInstanceOf(HandshakeRejectedException.class, failure.getCause());
            assertEquals(429, rejected.status());
            assertEquals(3_000, rejected.retryAfterMs());
        } finally {
            server.stop(0);
        }
    }
}
