package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HistogramTest {
    @Test
    void eachObservationLandsInTheFirstBucketWhoseBoundHoldsItAndTheRestAbove() {
        Histogram histogram = new Histogram(1, 5, 10);

        for (long value : new long[] {0, 1, 2, 5, 6, 10, 11, 1_000}) {
            histogram.record(value);
        }

        Histogram.Snapshot snapshot = histogram.snapshot();
        assertArrayEquals(new long[] {1, 5, 10}, snapshot.upperBounds());
        assertArrayEquals(new long[] {2, 2, 2, 2}, snapshot.counts(), "bounds are inclusive");
        assertEquals(8, snapshot.count());
        assertEquals(1_035, snapshot.sum());
    }

    @Test
    void boundsMustAscend() {
        assertThrows(IllegalArgumentException.class, () -> new Histogram(5, 5));
    }

    @Test
    void closesAreCountedByCodeAndBatchesBySize() {
        ServerCounters counters = new ServerCounters();
        counters.connectionClosed(1000);
        counters.connectionClosed(4001);
        counters.connectionClosed(1000);
        counters.messageOut(3);

        assertEquals(java.util.Map.of(1000, 2L, 4001, 1L), counters.closesByCode());
        assertEquals(2L, counters.snapshot().get("connectionsClosed") - 1);
        assertEquals(1, counters.batchFrames().counts()[2], "3 frames: the (2, 4] bucket");
    }
}
