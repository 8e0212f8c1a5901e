package io.pushwire.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.server.core.Authenticator.AuthenticationException;
import io.pushwire.server.core.Principal;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class JwtAuthenticatorTest {
    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";
    private static final long NOW = 1_700_000_000_000L;

    private static String sign(JWSSigner signer, JWSAlgorithm algorithm, UnaryOperator<JWTClaimsSet.Builder> claims)
            throws JOSEException {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().subject("alice")
                .expirationTime(new Date(NOW + 600_000))
                .claim("channels", Map.of("subscribe", List.of("sim.trades.*"), "publish", List.of("chat.*")));
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims.apply(builder).build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String hs256(UnaryOperator<JWTClaimsSet.Builder> claims) throws JOSEException {
        return sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, claims);
    }

    private static String refusal(JwtAuthenticator authenticator, String token) {
        return assertThrows(AuthenticationException.class, () -> authenticator.authenticate(token, NOW)).code();
    }

    @Test
    void aValidHs256TokenGivesItsSubjectPermissionsAndExpiry() throws Exception {
        JwtAuthenticator authenticator = JwtAuthenticator.hs256(SECRET, null, null);

        Principal principal = authenticator.authenticate(hs256(c -> c), NOW);

        assertEquals("alice", principal.subject());
        assertEquals(List.of("sim.trades.*"), principal.subscribe());
        assertEquals(List.of("chat.*"), principal.publish());
        assertEquals(NOW + 600_000 + JwtAuthenticator.CLOCK_SKEW_MS, principal.expiresAtMs(), "exp plus the skew");
    }

    @Test
    void badSignaturesMissingClaimsAndWrongTimesAreRefused() throws Exception {
        JwtAuthenticator authenticator = JwtAuthenticator.hs256(SECRET, "https://issuer.example", "pushwire");
        UnaryOperator<JWTClaimsSet.Builder> valid = c -> c.issuer("https://issuer.example").audience("pushwire");

        assertEquals("alice", authenticator.authenticate(hs256(valid), NOW).subject());
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(authenticator, null));
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(authenticator, "not.a.jwt"));
        String forged = sign(new MACSigner("another-secret-that-is-32-bytes-long!".getBytes(StandardCharsets.UTF_8)),
                JWSAlgorithm.HS256, valid);
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(authenticator, forged));
        assertEquals(ErrorCode.TOKEN_EXPIRED, refusal(authenticator, hs256(c -> valid.apply(c)
                .expirationTime(new Date(NOW - 60_000)))));
        assertEquals("alice", authenticator.authenticate(hs256(c -> valid.apply(c).expirationTime(new Date(NOW - 10_000))),
                NOW).subject(), "within the clock skew");
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(authenticator, hs256(c -> valid.apply(c)
                .notBeforeTime(new Date(NOW + 60_000)))));
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(authenticator, hs256(c -> valid.apply(c).issuer("https://evil"))));
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(authenticator, hs256(c -> valid.apply(c).audience("other"))));
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(authenticator, hs256(c -> valid.apply(c).subject(null))));
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(authenticator, hs256(c -> valid.apply(c).expirationTime(null))));
    }

    @Test
    void rs256AndEs256VerifyWithAPemPublicKeyAndAcceptNoOtherAlgorithm() throws Exception {
        KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
        rsaGenerator.initialize(2048);
        KeyPair rsa = rsaGenerator.generateKeyPair();
        JwtAuthenticator rs256 = JwtAuthenticator.publicKey(pem(rsa), null, null);
        assertEquals("alice", rs256.authenticate(sign(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, c -> c),
                NOW).subject());
        // The classic confusion: an HS256 token whose secret is the public key itself.
        String confused = sign(new MACSigner(pem(rsa).getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, c -> c);
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(rs256, confused));

        KeyPairGenerator ecGenerator = KeyPairGenerator.getInstance("EC");
        ecGenerator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ec = ecGenerator.generateKeyPair();
        JwtAuthenticator es256 = JwtAuthenticator.publicKey(pem(ec), null, null);
        assertEquals("alice", es256.authenticate(sign(new ECDSASigner((ECPrivateKey) ec.getPrivate()), JWSAlgorithm.ES256,
                c -> c), NOW).subject());
        assertEquals(ErrorCode.UNAUTHORIZED, refusal(es256, sign(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256,
                c -> c)));
    }

    @Test
    void misconfigurationStopsTheServerWithTheKeyNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JwtAuthenticator.hs256("short", null, null))
                .getMessage().contains("pushwire.auth.jwt.secret"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JwtAuthenticator.publicKey("garbage", null, null))
                .getMessage().contains("pushwire.auth.jwt.public-key"));
    }

    static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
