package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
    private final OriginPolicy defaults = new OriginPolicy(OriginPolicy.DEFAULT);

    @Test
    void byDefaultTheServersOwnPagesAndLocalhostAreAllowed() {
        assertTrue(defaults.allows("https://push.example.com", "push.example.com"), "same origin, default port");
        assertTrue(defaults.allows("http://push.example.com:8080", "push.example.com:8080"));
        assertTrue(defaults.allows("http://localhost:3000", "push.example.com:8080"), "a developer's page");
        assertTrue(defaults.allows("http://127.0.0.1:5173", "push.example.com"));
        assertTrue(defaults.allows("http://[::1]:8000", "push.example.com"));
        assertTrue(defaults.allows(null, "push.example.com"), "no Origin: not a browser");
    }

    @Test
    void otherSitesAndUnplaceableOriginsAreRefused() {
        assertFalse(defaults.allows("https://evil.example.net", "push.example.com"));
        assertFalse(defaults.allows("http://push.example.com:9999", "push.example.com:8080"), "another port");
        assertFalse(defaults.allows("https://push.example.com", "push.example.com:8080"), "another port, implied");
        assertFalse(defaults.allows("null", "push.example.com"), "a sandboxed frame or a file");
        assertFalse(defaults.allows("https://localhost.evil.net", "push.example.com"));
    }

    @Test
    void listedOriginsAndWildcardSubdomains() {
        OriginPolicy policy = new OriginPolicy(List.of("https://app.example.com", "https://*.trading.example.com"));
        assertTrue(policy.allows("https://app.example.com", "push.example.com"));
        assertTrue(policy.allows("https://app.example.com:443", "push.example.com"));
        assertTrue(policy.allows("https://eu.trading.example.com", "push.example.com"));
        assertFalse(policy.allows("https://trading.example.com", "push.example.com"), "the wildcard needs a label");
        assertFalse(policy.allows("http://app.example.com", "push.example.com"), "another scheme");
        assertFalse(policy.allows("http://localhost:3000", "push.example.com"), "localhost only when listed");
        assertTrue(new OriginPolicy(List.of("*")).allows("https://anything.example", "x"));
    }

    @Test
    void nonsenseEntriesStopTheServerWithTheKeyNamed() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new OriginPolicy(List.of("app.example.com")));
        assertTrue(error.getMessage().contains("pushwire.security.allowed-origins"));
        assertThrows(IllegalArgumentException.class, () -> new OriginPolicy(List.of()));
    }
}
