package io.pushwire.server.boot;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A keystore with no key under the alias Helidon looks for: the server must refuse to start rather
 * than listen on https and fail every handshake. (A keystore that has the key: TlsIT.)
 */
class TlsKeyCheckTest {
    private static final String PASSPHRASE = "changeit";

    @TempDir
    Path dir;

    /** An empty PKCS12 keystore: loads fine, holds no key under any alias. */
    private Path emptyKeystore() throws Exception {
        KeyStore keystore = KeyStore.getInstance("PKCS12");
        keystore.load(null, PASSPHRASE.toCharArray());
        Path file = dir.resolve("empty.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            keystore.store(out, PASSPHRASE.toCharArray());
        }
        return file;
    }

    private static Config serverTls(Map<String, String> settings) {
        return Config.just(ConfigSources.create(settings)).get("server.tls");
    }

    @Test
    void aKeystoreWithoutTheKeyStopsTheServerNamingTheAliasSetting() throws Exception {
        Map<String, String> settings = Map.of(
                "server.tls.private-key.keystore.resource.path", emptyKeystore().toString(),
                "server.tls.private-key.keystore.passphrase", PASSPHRASE);
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> TlsKeyCheck.verify(serverTls(settings)));
        assertTrue(refused.getMessage().contains("server.tls.private-key.keystore.key.alias"), refused.getMessage());
    }

    @Test
    void withoutTlsOrWithTlsTurnedOffThereIsNothingToCheck() throws Exception {
        assertDoesNotThrow(() -> TlsKeyCheck.verify(serverTls(Map.of("server.port", "8080"))));
        Map<String, String> off = Map.of(
                "server.tls.enabled", "false",
                "server.tls.private-key.keystore.resource.path", emptyKeystore().toString(),
                "server.tls.private-key.keystore.passphrase", PASSPHRASE);
        assertDoesNotThrow(() -> TlsKeyCheck.verify(serverTls(off)));
    }
}
