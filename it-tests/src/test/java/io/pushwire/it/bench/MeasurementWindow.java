package io.pushwire.it.bench;

import java.util.List;

/**
 * A benchmark's warm-up and measurement window, in both clocks it is read by: the wall clock that stamps
 * payloads (epoch micros, which the subscriber processes are told) and this JVM's {@link System#nanoTime}
 * (what the coordinator sleeps by and the publisher paces by).
 */
record MeasurementWindow(long startMicros, long endMicros, long nanoBase, long startNanos, long endNanos) {
    /** Opens a window {@code warmupSeconds} from now, {@code durationSeconds} long, and tells {@code children}. */
    static MeasurementWindow open(List<SubscriberProcess> children, int warmupSeconds, int durationSeconds) {
        long startMicros = SubscriberStats.nowMicros() + warmupSeconds * 1_000_000L;
        long endMicros = startMicros + durationSeconds * 1_000_000L;
        for (SubscriberProcess child : children) {
            child.send("WINDOW " + startMicros + " " + endMicros);
        }
        long nanoBase = System.nanoTime();
        long startNanos = nanoBase + warmupSeconds * 1_000_000_000L;
        return new MeasurementWindow(startMicros, endMicros, nanoBase, startNanos,
                startNanos + durationSeconds * 1_000_000_000L);
    }

    /**
     * Starts {@code publisher} at {@code rate} from now until 1 s past the window, so that the window's end is
     * measured under full load; returns its thread.
     */
    Thread startPublishing(Publisher publisher, double rate, int threads) {
        return Thread.ofPlatform().name("publisher").start(() -> {
            try {
                publisher.run(rate, threads, nanoBase, endNanos + 1_000_000_000L, startMicros, endMicros);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
