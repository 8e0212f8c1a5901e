package io.pushwire.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A server certificate made for one test run by the JDK's {@code keytool}, the way the README tells
 * operators to make one: an EC P-256 key and a self-signed certificate for {@code localhost} and
 * {@code 127.0.0.1}, valid for two days, in a PKCS12 keystore. Clients trust it through {@link #trust()},
 * a trust store holding exactly this certificate.
 */
final class SelfSignedCertificate {
    static final String ALIAS = "pushwire";
    private static final String PASSPHRASE = "it-tests-only";

    private final Path keystore;
    private final SSLContext trust;

    private SelfSignedCertificate(Path keystore, SSLContext trust) {
        this.keystore = keystore;
        this.trust = trust;
    }

    /** Runs keytool into {@code dir}. */
    static SelfSignedCertificate generate(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        Path keystore = dir.resolve("pushwire.p12");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSPHRASE,
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2");
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        return new SelfSignedCertificate(keystore, trusting(keystore));
    }

    /** The server's TLS settings ({@code -D}): Helidon's own keys, as the README documents them. */
    Map<String, String> serverSettings() {
        return Map.of(
                "server.tls.private-key.keystore.resource.path", keystore.toString(),
                "server.tls.private-key.keystore.key.alias", ALIAS);
    }

    /** The keystore's passphrase, in the environment rather than on the command line, as the README advises. */
    Map<String, String> serverEnvironment() {
        return Map.of("SERVER_TLS_PRIVATE_KEY_KEYSTORE_PASSPHRASE", PASSPHRASE);
    }

    /** A client TLS context that trusts this certificate and nothing else. */
    SSLContext trust() {
        return trust;
    }

    private static SSLContext trusting(Path keystore) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSPHRASE.toCharArray());
        }
        // Only the certificate: a trust store has no business holding the server's private key.
        KeyStore certificateOnly = KeyStore.getInstance("PKCS12");
        certificateOnly.load(null, null);
        certificateOnly.setCertificateEntry(ALIAS, store.getCertificate(ALIAS));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(certificateOnly);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
