package io.pushwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.pushwire.client.internal.HandshakeRejectedException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sslContext} against a real TLS server with a self-signed certificate made for the test: the
 * client trusts what the context trusts. The server answers every upgrade with 403, so a client that got
 * an HTTP status back has completed the TLS handshake.
 */
class PushClientTlsTest {
    private static final char[] PASSPHRASE = "changeit".toCharArray();

    @TempDir
    Path dir;
    private KeyStore keystore;
    private HttpsServer server;

    @BeforeEach
    void startTlsServer() throws Exception {
        Path file = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", new String(PASSPHRASE), "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2").redirectErrorStream(true).start();
        assertEquals(0, keytool.waitFor(), new String(keytool.getInputStream().readAllBytes()));
        keystore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keystore.load(in, PASSPHRASE);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keystore, PASSPHRASE);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keys.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        server.createContext("/ws", exchange -> {
            exchange.sendResponseHeaders(403, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopTlsServer() {
        server.stop(0);
    }

    /** Why a client that never reconnects failed to connect. */
    private Throwable connectFailure(PushClient.Builder builder) {
        try (PushClient client = builder.maxReconnectAttempts(0).build()) {
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> client.connect().get(10, TimeUnit.SECONDS));
            return assertInstanceOf(PushClientException.class, failure.getCause()).getCause();
        }
    }

    private PushClient.Builder builder() {
        return PushClient.builder(URI.create("wss://127.0.0.1:" + server.getAddress().getPort() + "/ws"));
    }

    @Test
    void aContextThatTrustsTheCertificateCompletesTheTlsHandshake() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keystore);
        SSLContext trusting = SSLContext.getInstance("TLS");
        trusting.init(null, trust.getTrustManagers(), null);

        Throwable failure = connectFailure(builder().sslContext(trusting));
        assertEquals(403, assertInstanceOf(HandshakeRejectedException.class, failure, String.valueOf(failure)).status());
    }

    @Test
    void byDefaultASelfSignedCertificateIsRefused() {
        Throwable failure = connectFailure(builder());
        assertInstanceOf(SSLHandshakeException.class, failure, String.valueOf(failure));
    }
}
