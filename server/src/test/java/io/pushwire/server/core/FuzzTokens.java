package io.pushwire.server.core;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.pushwire.server.auth.JwtAuthenticator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * HS256 tokens for a fuzzed server in {@code jwt} mode, and what the server must make of them: each token
 * minted here remembers its subject and expiry, so that a test knows whether a {@code hello} or
 * {@code refresh} with it is accepted. Every token may subscribe to {@code news.*}, {@code chat.*} and
 * {@code sim.*} and publish on {@code chat.*}.
 */
final class FuzzTokens {
    private static final String SECRET = "a-fuzzing-secret-of-at-least-32-bytes";
    /** The clock skew the authenticator allows after {@code exp} (PROTOCOL.md: 30 s). */
    private static final long SKEW_MS = 30_000;
    static final List<String> PUBLISH = List.of("chat.*");

    private record Minted(String subject, long expiresAtMs) {
    }

    private final Map<String, Minted> minted = new HashMap<>();

    Authenticator authenticator() {
        return JwtAuthenticator.hs256(SECRET, null, null);
    }

    /** A signed token for {@code subject} whose {@code exp} is {@code expiresAtMs} (to the second). */
    String mint(String subject, long expiresAtMs) {
        long exp = Math.floorDiv(expiresAtMs, 1_000) * 1_000;
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).expirationTime(new Date(exp))
                .claim("channels", Map.of("subscribe", List.of("news.*", "chat.*", "sim.*"), "publish", PUBLISH))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
        String token = jwt.serialize();
        minted.put(canonical(token), new Minted(subject, exp));
        return token;
    }

    /** The subject the server accepts {@code token} for at {@code nowMs}; null when it refuses it. */
    String subjectAt(String token, long nowMs) {
        Minted known = token == null ? null : minted.get(canonical(token));
        return known == null || known.expiresAtMs() + SKEW_MS < nowMs ? null : known.subject();
    }

    /**
     * The token with its signature decoded: the last base64url character of a signature carries unused
     * bits, so tokens that differ only there are the same token to a verifier.
     */
    private static String canonical(String token) {
        int dot = token.lastIndexOf('.');
        try {
            return token.substring(0, dot + 1) + HexFormat.of().formatHex(Base64.getUrlDecoder().decode(token.substring(dot + 1)));
        } catch (IllegalArgumentException notBase64) {
            return token;
        }
    }
}
