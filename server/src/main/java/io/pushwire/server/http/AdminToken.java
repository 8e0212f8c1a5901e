package io.pushwire.server.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The {@code pushwire.admin.token} check for the HTTP API: when a token is configured, a request must
 * carry {@code Authorization: Bearer <token>}; without one configured the API is open (the demo default).
 */
final class AdminToken {
    private final byte[] expected;

    AdminToken(Optional<String> token) {
        this.expected = token.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    boolean required() {
        return expected != null;
    }

    /** Whether an {@code Authorization} header value grants access. Compared in constant time. */
    boolean admits(String authorization) {
        if (expected == null) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] presented = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, presented);
    }
}
