package io.pushwire.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Exponential backoff with full jitter, with an injected Random. */
class BackoffTest {
    /** nextDouble() returns what the test set. */
    private static final class StubRandom extends Random {
        private static final long serialVersionUID = 1L;
        double value;

        StubRandom(double value) {
            this.value = value;
        }

        @Override
        public double nextDouble() {
            return value;
        }
    }

    private final StubRandom random = new StubRandom(1.0);
    private final Backoff backoff = new Backoff(500, 30_000, 2.0, random);

    @Test
    void windowDoublesFromInitialDelayAndIsCappedAtMaxDelay() {
        assertEquals(500, backoff.ceilingMillis(1));
        assertEquals(1_000, backoff.ceilingMillis(2));
        assertEquals(2_000, backoff.ceilingMillis(3));
        assertEquals(16_000, backoff.ceilingMillis(6));
        assertEquals(30_000, backoff.ceilingMillis(7));
        assertEquals(30_000, backoff.ceilingMillis(1_000_000)); // no overflow
        assertThrows(IllegalArgumentException.class, () -> backoff.ceilingMillis(0));
    }

    @Test
    void fullJitterSpansTheWholeWindow() {
        random.value = 0.0;
        assertEquals(0, backoff.delayMillis(4));
        random.value = 0.25;
        assertEquals(1_000, backoff.delayMillis(4));
        random.value = 0.999_999;
        assertEquals(4_000, backoff.delayMillis(4));
        random.value = 0.5;
        assertEquals(15_000, backoff.delayMillis(40));
    }

    @Test
    void jitterStaysInBoundsWithARealRandom() {
        Backoff real = new Backoff(500, 30_000, 2.0, new Random(42));
        for (int attempt = 1; attempt < 20; attempt++) {
            for (int i = 0; i < 200; i++) {
                long delay = real.delayMillis(attempt);
                assertTrue(delay >= 0 && delay <= real.ceilingMillis(attempt), attempt + ": " + delay);
            }
        }
    }

    @Test
    void rejectsNonsenseConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(-1, 10, 2, random));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(100, 10, 2, random));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(1, 10, 0.5, random));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(1, 10, Double.NaN, random));
    }
}
