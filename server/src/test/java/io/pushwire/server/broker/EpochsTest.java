package io.pushwire.server.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EpochsTest {
    @Test
    void epochsHaveTheirDocumentedShape() {
        assertTrue(Epochs.next().matches("[A-Z2-7]{10}"));
    }

    @Test
    void epochsDoNotRepeat() {
        Set<String> epochs = new HashSet<>();
        IntStream.range(0, 1_000).forEach(i -> epochs.add(Epochs.next()));
        assertEquals(1_000, epochs.size());
    }
}
