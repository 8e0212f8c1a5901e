package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
    /** The upgrade came over a plain connection (or through a proxy that terminated TLS). */
    private static final boolean PLAIN = false;
    /** The upgrade came over TLS to this server. */
    private static final boolean TLS = true;
    private final OriginPolicy defaults = new OriginPolicy(OriginPolicy.DEFAULT);

    @Test
    void byDefaultTheServersOwnPagesAndLocalhostAreAllowed() {
        assertTrue(defaults.allows("https://push.example.com", "push.example.com", PLAIN), "same origin, default port");
        assertTrue(defaults.allows("http://push.example.com:8080", "push.example.com:8080", PLAIN));
        assertTrue(defaults.allows("http://localhost:3000", "push.example.com:8080", PLAIN), "a developer's page");
        assertTrue(defaults.allows("http://127.0.0.1:5173", "push.example.com", PLAIN));
        assertTrue(defaults.allows("http://[::1]:8000", "push.example.com", PLAIN));
        assertTrue(defaults.allows(null, "push.example.com", PLAIN), "no Origin: not a browser");
    }

    @Test
    void otherSitesAndUnplaceableOriginsAreRefused() {
        assertFalse(defaults.allows("https://evil.example.net", "push.example.com", PLAIN));
        assertFalse(defaults.allows("http://push.example.com:9999", "push.example.com:8080", PLAIN), "another port");
        assertFalse(defaults.allows("https://push.example.com", "push.example.com:8080", PLAIN), "another port, implied");
        assertFalse(defaults.allows("null", "push.example.com", PLAIN), "a sandboxed frame or a file");
        assertFalse(defaults.allows("https://localhost.evil.net", "push.example.com", PLAIN));
    }

    @Test
    void overTlsTheServersOwnPagesAreHttpsPages() {
        assertTrue(defaults.allows("https://push.example.com", "push.example.com", TLS), "default port 443");
        assertTrue(defaults.allows("https://push.example.com:8443", "push.example.com:8443", TLS));
        assertFalse(defaults.allows("http://push.example.com", "push.example.com", TLS),
                "a plain-HTTP page of the same host is another origin, open to script injected on the way");
        assertFalse(defaults.allows("http://push.example.com:8443", "push.example.com:8443", TLS));
        assertTrue(defaults.allows("http://localhost:3000", "push.example.com", TLS), "localhost is its own entry");
        assertTrue(defaults.allows("https://push.example.com", "push.example.com", PLAIN),
                "behind a proxy that terminated TLS, the https page arrives as plain HTTP");
    }

    @Test
    void listedOriginsAndWildcardSubdomains() {
        OriginPolicy policy = new OriginPolicy(List.of("https://app.example.com", "https://*.trading.example.com"));
        assertTrue(policy.allows("https://app.example.com", "push.example.com", PLAIN));
        assertTrue(policy.allows("https://app.example.com:443", "push.example.com", PLAIN));
        assertTrue(policy.allows("https://eu.trading.example.com", "push.example.com", PLAIN));
        assertFalse(policy.allows("https://trading.example.com", "push.example.com", PLAIN), "the wildcard needs a label");
        assertFalse(policy.allows("http://app.example.com", "push.example.com", PLAIN), "another scheme");
        assertFalse(policy.allows("http://localhost:3000", "push.example.com", PLAIN), "localhost only when listed");
        assertTrue(new OriginPolicy(List.of("*")).allows("https://anything.example", "x", PLAIN));
    }

    @Test
    void nonsenseEntriesStopTheServerWithTheKeyNamed() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new OriginPolicy(List.of("app.example.com")));
        assertTrue(error.getMessage().contains("pushwire.security.allowed-origins"));
        assertThrows(IllegalArgumentException.class, () -> new OriginPolicy(List.of()));
    }
}
