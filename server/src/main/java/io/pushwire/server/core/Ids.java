package io.pushwire.server.core;

import java.security.SecureRandom;
import java.util.Base64;

/** Random identifiers. Tokens come from {@link SecureRandom}: a resume token is a secret. */
final class Ids {
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** A public client id: 20 base32 characters (100 random bits). */
    static String clientId() {
        return base32(20);
    }

    /** A secret resume token: 256 random bits, base64url. */
    static String resumeToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String base32(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = BASE32[RANDOM.nextInt(BASE32.length)];
        }
        return new String(out);
    }
}
