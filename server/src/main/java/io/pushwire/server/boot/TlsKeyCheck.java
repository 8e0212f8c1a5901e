package io.pushwire.server.boot;

import io.helidon.common.config.Config;
import io.helidon.common.tls.TlsConfig;

/**
 * Refuses to start a TLS listener that has no key to present. TLS is Helidon's own ({@code server.tls},
 * see the README); this check only closes one trap in it: when
 * {@code server.tls.private-key.keystore.key.alias} is not set, Helidon looks for the key under the alias
 * {@code 1}, and if the keystore holds it under another name (keytool's default is {@code mykey}) it
 * says nothing, listens on https, and fails every handshake. A key alias that is set but wrong, a wrong
 * passphrase or a missing file already stop Helidon at startup.
 */
final class TlsKeyCheck {
    private TlsKeyCheck() {
    }

    /** Throws when {@code tls} (the {@code server.tls} node) enables TLS without a private key and its certificate. */
    static void verify(Config tls) {
        if (!tls.exists() || !tls.get("enabled").asBoolean().orElse(true)) {
            return;
        }
        // Loads the keys the way the web server does, from the same configuration.
        TlsConfig loaded = TlsConfig.create(tls);
        if (loaded.privateKey().isEmpty() || loaded.privateKeyCertChain().isEmpty()) {
            throw new IllegalStateException("server.tls is configured but yields no private key and certificate:"
                    + " with a keystore, set server.tls.private-key.keystore.key.alias to the key's alias"
                    + " (keytool -list shows it; without the setting Helidon looks for '1'); with PEM files, set"
                    + " server.tls.private-key.pem.key.resource.path and .pem.cert-chain.resource.path");
        }
    }
}
