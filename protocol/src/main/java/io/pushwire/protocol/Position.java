package io.pushwire.protocol;

import java.util.Objects;

/**
 * A client's place in one channel: the last {@code seq} it received in history {@code epoch}.
 * Used by {@code subscribe.since} and {@code hello.positions}.
 */
public record Position(long seq, String epoch) {
    public Position {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0: " + seq);
        }
        Objects.requireNonNull(epoch, "epoch");
    }
}
