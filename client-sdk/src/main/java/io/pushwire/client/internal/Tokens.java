package io.pushwire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.OptionalLong;

/**
 * When a token expires, if it says so, and when to refresh it. Only JWTs say so: three base64url parts,
 * the middle one a JSON object with a numeric {@code exp} (epoch seconds). The signature is not checked:
 * the server does that; the client only wants to know when to ask for a new token.
 */
public final class Tokens {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    /** Never schedule refreshes closer than this, so that a supplier returning the same token cannot spin. */
    static final long MIN_REFRESH_DELAY_MS = 1_000;

    private Tokens() {
    }

    /** The token's expiry in epoch milliseconds, or empty when it is not a JWT with a numeric {@code exp}. */
    public static OptionalLong expiryMillis(String token) {
        if (token == null) {
            return OptionalLong.empty();
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
            return OptionalLong.empty();
        }
        try {
            byte[] json = Base64.getUrlDecoder().decode(stripPadding(token.substring(first + 1, second)));
            JsonNode claims = MAPPER.readTree(new String(json, StandardCharsets.UTF_8));
            JsonNode exp = claims == null ? null : claims.get("exp");
            if (exp == null || !exp.isNumber()) {
                return OptionalLong.empty();
            }
            double seconds = exp.asDouble();
            if (!(seconds > 0) || seconds > Long.MAX_VALUE / 1000.0) {
                return OptionalLong.empty();
            }
            return OptionalLong.of((long) (seconds * 1000));
        } catch (IllegalArgumentException | java.io.IOException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * How long from {@code nowMs} to wait before refreshing a token that expires at {@code expiryMs}:
     * {@code marginMs} before expiry, but never later than half the remaining lifetime (a short-lived token
     * is refreshed at its half-life) and never sooner than a second. Empty when it has expired already:
     * then only a new connection (which asks the supplier again) can help.
     */
    public static OptionalLong refreshDelayMillis(long expiryMs, long nowMs, long marginMs) {
        long remaining = expiryMs - nowMs;
        if (remaining <= 0) {
            return OptionalLong.empty();
        }
        long delay = Math.max(remaining - marginMs, remaining / 2);
        return OptionalLong.of(Math.max(delay, Math.min(MIN_REFRESH_DELAY_MS, remaining)));
    }

    private static String stripPadding(String part) {
        int end = part.length();
        while (end > 0 && part.charAt(end - 1) == '=') {
            end--;
        }
        return part.substring(0, end);
    }
}
