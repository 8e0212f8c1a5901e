package io.pushwire.server.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Resume tokens as stores keep them: hashed (SHA-256, base64url), so that whoever reads a store (a
 * Redis dump, say) cannot resume anyone's session. A token has 256 random bits: a plain hash is enough,
 * there is nothing to guess that a salt would protect.
 */
public final class ResumeTokens {
    private ResumeTokens() {
    }

    public static String hash(String resumeToken) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(resumeToken.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Whether {@code resumeToken} is the one hashed to {@code hash}; in constant time for a given length. */
    public static boolean matches(String resumeToken, String hash) {
        return MessageDigest.isEqual(hash(resumeToken).getBytes(StandardCharsets.US_ASCII),
                hash.getBytes(StandardCharsets.US_ASCII));
    }
}
