package io.pushwire.server.broker;

import java.security.SecureRandom;

/** Names of channel histories: 10 base32 characters (50 random bits), so that two never meet by chance. */
public final class Epochs {
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int LENGTH = 10;

    private Epochs() {
    }

    public static String next() {
        char[] out = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            out[i] = BASE32[RANDOM.nextInt(BASE32.length)];
        }
        return new String(out);
    }
}
