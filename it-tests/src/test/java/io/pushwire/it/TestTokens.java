package io.pushwire.it;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * HS256 tokens for a server started with {@link #SERVER_SETTINGS} ({@code pushwire.auth.mode=jwt}), with the
 * {@code channels} claim that decides what the session may subscribe to and publish on.
 */
final class TestTokens {
    private static final String SECRET = "the-it-tokens-secret-of-at-least-32-bytes";
    /** The server side: JWT mode with this secret, 1 s of grace after token_expired, and the admin token it needs. */
    static final Map<String, String> SERVER_SETTINGS = Map.of(
            "pushwire.auth.mode", "jwt",
            "pushwire.auth.jwt.secret", SECRET,
            "pushwire.auth.grace-ms", "1000",
            "pushwire.admin.token", "admin-secret");

    private TestTokens() {
    }

    /** A token for {@code subject} that expires {@code validForMs} from now (negative: in the past). */
    static String token(String subject, long validForMs, List<String> subscribe, List<String> publish) {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .subject(subject).expirationTime(new Date(System.currentTimeMillis() + validForMs))
                .claim("channels", Map.of("subscribe", subscribe, "publish", publish)).build());
        try {
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
