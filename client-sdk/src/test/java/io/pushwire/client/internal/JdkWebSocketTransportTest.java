package io.pushwire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The JDK transport: how it names the ways an attempt to open a WebSocket fails. */
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

    @Test
    void aRefusedConnectionSaysRefusedAndWhere() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        URI uri = URI.create("ws://127.0.0.1:" + port + "/ws");
        CompletableFuture<Transport> opening = JdkWebSocketTransport.factory(HttpClient.newHttpClient())
                .open(uri, List.of("pushwire.v1"), Duration.ofSeconds(5), NO_OP);
        ExecutionException failure = assertThrows(ExecutionException.class, () -> opening.get(10, TimeUnit.SECONDS));
        ConnectFailedException refused = assertInstanceOf(ConnectFailedException.class, failure.getCause());
        assertEquals("connection refused by 127.0.0.1:" + port, refused.getMessage());
        assertInstanceOf(ConnectException.class, refused.getCause()); // the JDK's, kept for the stack trace
        assertEquals("connection refused by 127.0.0.1:" + port, Failures.describe(failure));
    }

    /** The other ways a connect fails, in the shapes the JDK's HttpClient gives them. */
    @Test
    void otherConnectFailuresNameTheirCauseAndTheAddress() {
        URI uri = URI.create("wss://push.example.invalid/ws");
        Duration timeout = Duration.ofSeconds(10);
        ConnectException unresolved = new ConnectException();
        unresolved.initCause(new UnresolvedAddressException());
        assertEquals("unknown host push.example.invalid (push.example.invalid:443)",
                JdkWebSocketTransport.describeFailure(new CompletionException(unresolved), uri, timeout, 0).getMessage());
        assertEquals("connecting to push.example.invalid:443 timed out after 10000 ms", JdkWebSocketTransport
                .describeFailure(new HttpConnectTimeoutException("HTTP connect timed out"), uri, timeout, 0).getMessage());
        assertEquals("no WebSocket handshake with push.example.invalid:443 within 10000 ms",
                JdkWebSocketTransport.describeFailure(new TimeoutException(), uri, timeout, 0).getMessage());
        ConnectException refusedWithoutRetry = new ConnectException("Connection refused");
        assertEquals("connection refused by push.example.invalid:443",
                JdkWebSocketTransport.describeFailure(refusedWithoutRetry, uri, timeout, 0).getMessage());
        // TLS failures say what was wrong themselves, and stay what they are.
        SSLHandshakeException tls = new SSLHandshakeException("PKIX path building failed");
        assertSame(tls, JdkWebSocketTransport.describeFailure(new CompletionException(tls), uri, timeout, 0));
        assertEquals("SSLHandshakeException: PKIX path building failed", Failures.describe(tls));
        assertEquals("push.example.invalid:8443",
                JdkWebSocketTransport.address(URI.create("wss://push.example.invalid:8443/ws")));
        assertEquals("localhost:80", JdkWebSocketTransport.address(URI.create("ws://localhost/ws")));
    }
}
