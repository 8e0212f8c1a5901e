package io.pushwire.server.http;

import java.util.Optional;

/**
 * The {@code Idempotency-Key} header of an HTTP publish: a retry that carries the key of a publish the
 * channel already took (within two minutes) gets that publish's seq and publishes nothing. What a key may
 * be: 1 to 255 visible ASCII characters, so that it is safe in a Redis key and in a log line.
 */
final class IdempotencyKey {
    static final String HEADER = "Idempotency-Key";
    static final int MAX_LENGTH = 255;

    private IdempotencyKey() {
    }

    /** What is wrong with a header's value, or empty when it is absent or fine. */
    static Optional<String> problem(String key) {
        if (key == null) {
            return Optional.empty();
        }
        if (key.isEmpty() || key.length() > MAX_LENGTH) {
            return Optional.of(HEADER + " must be 1 to " + MAX_LENGTH + " characters, got " + key.length());
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return Optional.of(HEADER + " must be visible ASCII characters; character " + i + " is not");
            }
        }
        return Optional.empty();
    }
}
