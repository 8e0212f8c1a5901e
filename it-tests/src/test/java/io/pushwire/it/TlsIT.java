package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.client.PushClient;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Subscribed;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wss://} and {@code https://} through Helidon's own TLS settings ({@code server.tls.*}, the
 * passphrase in an environment variable), with a self-signed certificate that keytool makes for this run:
 * the SDK and a plain JDK client that trust it speak the protocol; a client that does not trust it, and
 * plain {@code ws://} or {@code http://} to the TLS port, get no WebSocket; health, the demo page and the
 * Origin check work over TLS; a keystore without the key the settings name stops the server.
 */
class TlsIT {
    @TempDir
    static Path dir;
    private static SelfSignedCertificate certificate;
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        certificate = SelfSignedCertificate.generate(dir);
        Map<String, String> settings = new HashMap<>(certificate.serverSettings());
        settings.put("pushwire.feeds.simulated.rate", "200");
        // Only the server's own pages: what same-origin means over TLS is tested below.
        settings.put("pushwire.security.allowed-origins", "same-origin");
        server = ServerProcess.startTls("tls", settings, certificate.serverEnvironment(), certificate.trust());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theSdkConnectsOverWssAndReceivesLiveTrades() throws Exception {
        assertEquals("wss", server.webSocketUri().getScheme());
        BlockingQueue<Event> trades = new LinkedBlockingQueue<>();
        try (PushClient client = PushClient.builder(server.webSocketUri()).sslContext(certificate.trust()).build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            assertNotNull(client.clientId(), "welcome received");
            Subscribed subscribed = client.subscribe("sim.trades.BTC-USDT", trades::add).get(10, TimeUnit.SECONDS);
            for (long seq = subscribed.seq() + 1; seq <= subscribed.seq() + 5; seq++) {
                Event trade = trades.poll(10, TimeUnit.SECONDS);
                assertNotNull(trade, "no live trade within 10 s");
                assertEquals(seq, trade.seq());
                assertEquals("BTC-USDT", trade.data().path("symbol").asText());
            }
        }
    }

    @Test
    void aJdkWebSocketThatTrustsTheCertificateSpeaksTheProtocol() throws Exception {
        try (RawClient client = RawClient.connect(server, "pushwire.v1")) {
            assertEquals("pushwire.v1", client.subprotocol());
            client.hello();
            client.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"sim.trades.ETH-USDT\"}");
            long seq = client.nextOfType("subscribed").path("seq").asLong();
            JsonNode event = client.nextOfType("event");
            assertEquals(seq + 1, event.path("seq").asLong(), event.toString());
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() {
        try (HttpClient untrusting = HttpClient.newHttpClient()) {
            CompletionException refused = assertThrows(CompletionException.class, () -> untrusting.newWebSocketBuilder()
                    .buildAsync(server.webSocketUri(), new WebSocket.Listener() { }).join());
            assertInstanceOf(SSLHandshakeException.class, refused.getCause(), refused.toString());
            IOException https = assertThrows(IOException.class, () -> untrusting.send(
                    HttpRequest.newBuilder(server.httpUri("/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()));
            assertInstanceOf(SSLHandshakeException.class, https, https.toString());
        }
    }

    @Test
    void plainWsAndHttpToTheTlsPortGetNoWebSocketAndNoPage() throws Exception {
        URI plainWs = URI.create("ws://127.0.0.1:" + server.port() + "/ws");
        try (HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            CompletionException noWebSocket = assertThrows(CompletionException.class, () -> plain.newWebSocketBuilder()
                    .buildAsync(plainWs, new WebSocket.Listener() { }).orTimeout(10, TimeUnit.SECONDS).join());
            assertInstanceOf(IOException.class, noWebSocket.getCause(), noWebSocket.toString());
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build();
            assertThrows(IOException.class, () -> plain.send(health, HttpResponse.BodyHandlers.ofString()));
        }
        assertEquals(200, server.get("/health/ready").statusCode(), "TLS clients are still served");
    }

    @Test
    void healthAndTheDemoPageAreServedOverHttps() throws Exception {
        HttpResponse<String> ready = server.get("/health/ready");
        assertEquals("https", ready.uri().getScheme());
        assertEquals(200, ready.statusCode());
        assertTrue(ready.body().contains("\"UP\""), ready.body());
        HttpResponse<String> page = server.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page.headers().toString());
        HttpResponse<String> script = server.get("/pushwire.js");
        assertEquals(200, script.statusCode());
        assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
    }

    @Test
    void overTlsSameOriginMeansTheServersHttpsPages() {
        assertEquals(101, OriginIT.upgrade(server, "https://127.0.0.1:" + server.port()), "the server's own page");
        assertEquals(403, OriginIT.upgrade(server, "http://127.0.0.1:" + server.port()),
                "a plain-HTTP page is another origin, whatever its host and port");
        assertEquals(403, OriginIT.upgrade(server, "https://evil.example.net"));
        assertEquals(101, OriginIT.upgrade(server, null), "not a browser");
    }

    @Test
    void aKeystoreWithoutAKeyUnderTheAliasHelidonLooksForStopsTheServer() {
        Map<String, String> settings = new HashMap<>(certificate.serverSettings());
        // Helidon then looks for alias "1"; the key is under "pushwire".
        settings.remove("server.tls.private-key.keystore.key.alias");
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> ServerProcess.startTls("tls-no-key", settings, certificate.serverEnvironment(), certificate.trust()));
        assertTrue(refused.getMessage().contains("set server.tls.private-key.keystore.key.alias"), refused.getMessage());
    }
}
