package io.pushwire.client;

import java.util.Random;

/** A {@link Random} whose {@code nextDouble()} is whatever the test set: jitter becomes predictable. */
final class FixedRandom extends Random {
    private static final long serialVersionUID = 1L;
    private volatile double value;

    FixedRandom(double value) {
        this.value = value;
    }

    void set(double value) {
        this.value = value;
    }

    @Override
    public double nextDouble() {
        return value;
    }
}
