package io.pushwire.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.server.core.Authenticator;
import io.pushwire.server.core.Principal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * {@code hello.token} as a JWT, verified with the Nimbus JOSE+JWT library: HS256 with a shared secret,
 * or RS256/ES256 with a public key (PEM). The token must name its subject ({@code sub}) and expiry
 * ({@code exp}); {@code nbf}, and {@code iss}/{@code aud} when configured, are checked too, with a small
 * clock skew allowed. Only the configured algorithm is accepted: a token signed any other way (HS256
 * with the public key as its secret, {@code none}) proves nothing.
 *
 * <p>Permissions are the claim {@code channels}: {@code {"subscribe": ["sim.*"], "publish": ["chat.*"]}},
 * patterns with {@code *} wildcards; a missing list allows nothing but the session's own {@code $me}.
 */
public final class JwtAuthenticator implements Authenticator {
    /** Clocks disagree a little; a token is honoured this long before nbf and after exp. */
    static final long CLOCK_SKEW_MS = 30_000;

    private final JWSAlgorithm algorithm;
    private final JWSVerifier verifier;
    private final String issuer;
    private final String audience;

    private JwtAuthenticator(JWSAlgorithm algorithm, JWSVerifier verifier, String issuer, String audience) {
        this.algorithm = algorithm;
        this.verifier = verifier;
        this.issuer = issuer;
        this.audience = audience;
    }

    /** HS256 with a shared secret of at least 32 bytes (256 bits, as RFC 7518 requires). */
    public static JwtAuthenticator hs256(String secret, String issuer, String audience) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < 32) {
            throw new IllegalArgumentException("pushwire.auth.jwt.secret must be at least 32 bytes for HS256, got "
                    + key.length);
        }
        try {
            return new JwtAuthenticator(JWSAlgorithm.HS256, new MACVerifier(key), issuer, audience);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("pushwire.auth.jwt.secret: " + e.getMessage(), e);
        }
    }

    /** RS256 for an RSA public key, ES256 for an EC P-256 key, from a PEM {@code PUBLIC KEY} block. */
    public static JwtAuthenticator publicKey(String pem, String issuer, String audience) {
        PublicKey key = parsePem(pem);
        try {
            if (key instanceof RSAPublicKey rsa) {
                return new JwtAuthenticator(JWSAlgorithm.RS256, new RSASSAVerifier(rsa), issuer, audience);
            }
            if (key instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() == 256) {
                return new JwtAuthenticator(JWSAlgorithm.ES256, new ECDSAVerifier(ec), issuer, audience);
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("pushwire.auth.jwt.public-key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("pushwire.auth.jwt.public-key must be an RSA key (RS256) or an EC P-256 key"
                + " (ES256), got " + key.getAlgorithm());
    }

    @Override
    public Principal authenticate(String token, long nowMs) {
        if (token == null || token.isBlank()) {
            throw unauthorized("this server needs hello.token: a JWT");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw unauthorized("the token is not a signed JWT");
        }
        if (!algorithm.equals(jwt.getHeader().getAlgorithm())) {
            throw unauthorized("the token is signed with " + jwt.getHeader().getAlgorithm() + "; this server accepts "
                    + algorithm);
        }
        try {
            if (!jwt.verify(verifier)) {
                throw unauthorized("the token's signature does not verify");
            }
        } catch (JOSEException e) {
            throw unauthorized("the token's signature could not be checked: " + e.getMessage());
        }
        Date expires = claims.getExpirationTime();
        if (expires == null) {
            throw unauthorized("the token has no exp");
        }
        if (expires.getTime() + CLOCK_SKEW_MS < nowMs) {
            throw new AuthenticationException(ErrorCode.TOKEN_EXPIRED, "the token expired at " + expires.toInstant());
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && notBefore.getTime() - CLOCK_SKEW_MS > nowMs) {
            throw unauthorized("the token is not valid before " + notBefore.toInstant());
        }
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            throw unauthorized("the token's issuer is '" + claims.getIssuer() + "', not '" + issuer + "'");
        }
        if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            throw unauthorized("the token is not for audience '" + audience + "'");
        }
        if (claims.getSubject() == null || claims.getSubject().isBlank()) {
            throw unauthorized("the token has no sub");
        }
        Map<String, Object> channels;
        try {
            channels = claims.getJSONObjectClaim("channels");
        } catch (ParseException e) {
            throw unauthorized("the token's channels claim is not an object");
        }
        // Honoured until exp plus the skew, the same margin the check above allowed.
        return new Principal(claims.getSubject(), patterns(channels, "subscribe"), patterns(channels, "publish"),
                expires.getTime() + CLOCK_SKEW_MS);
    }

    private static List<String> patterns(Map<String, Object> channels, String key) {
        if (channels == null || channels.get(key) == null) {
            return List.of();
        }
        if (channels.get(key) instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw unauthorized("the token's channels." + key + " is not a list of strings");
    }

    private static AuthenticationException unauthorized(String message) {
        return new AuthenticationException(ErrorCode.UNAUTHORIZED, message);
    }

    /** A {@code -----BEGIN PUBLIC KEY-----} block (X.509 SubjectPublicKeyInfo), RSA or EC. */
    static PublicKey parsePem(String pem) {
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pushwire.auth.jwt.public-key is not a PEM PUBLIC KEY block", e);
        }
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisOne) {
                // try the next
            }
        }
        throw new IllegalArgumentException("pushwire.auth.jwt.public-key is neither an RSA nor an EC public key");
    }
}
