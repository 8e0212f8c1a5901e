package io.pushwire.server.core;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts observations into fixed buckets, cheap to record from any thread (one {@link LongAdder} per
 * bucket). The buckets are chosen once, so a scraper can compare them across time and servers.
 */
public final class Histogram {
    private final long[] upperBounds;
    private final LongAdder[] counts;
    private final LongAdder sum = new LongAdder();

    /** Buckets with these inclusive upper bounds, ascending; one more bucket holds everything above. */
    public Histogram(long... upperBounds) {
        for (int i = 1; i < upperBounds.length; i++) {
            if (upperBounds[i] <= upperBounds[i - 1]) {
                throw new IllegalArgumentException("bucket bounds must ascend: " + Arrays.toString(upperBounds));
            }
        }
        this.upperBounds = upperBounds.clone();
        this.counts = new LongAdder[upperBounds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void record(long value) {
        int bucket = 0;
        while (bucket < upperBounds.length && value > upperBounds[bucket]) {
            bucket++;
        }
        counts[bucket].increment();
        sum.add(value);
    }

    /**
     * What was recorded so far.
     *
     * @param upperBounds bounds of all but the last bucket, which has none
     * @param counts      observations per bucket, not cumulative; one more than the bounds
     * @param sum         sum of all observations
     */
    public record Snapshot(long[] upperBounds, long[] counts, long sum) {
        public long count() {
            return Arrays.stream(counts).sum();
        }
    }

    public Snapshot snapshot() {
        long[] values = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            values[i] = counts[i].sum();
        }
        return new Snapshot(upperBounds.clone(), values, sum.sum());
    }
}
