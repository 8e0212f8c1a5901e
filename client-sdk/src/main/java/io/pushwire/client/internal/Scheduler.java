package io.pushwire.client.internal;

/**
 * The client's clock and timers: the seam that lets tests move time by hand.
 *
 * <p>Tasks may run on any thread; the client core hops each one onto its event thread and drops it
 * there if the connection it was scheduled for is gone, so a cancel that loses a race is harmless.
 */
public interface Scheduler {
    /** Monotonic milliseconds, for durations only. */
    long nowMillis();

    /** Wall-clock epoch milliseconds, for token expiry and timestamps shown to people. */
    long wallMillis();

    /** Runs {@code task} once after {@code delayMillis} (0 or less: as soon as possible). */
    Cancellable schedule(Runnable task, long delayMillis);

    /** A scheduled task that may still be cancelled. */
    interface Cancellable {
        /** Best effort: a task already started, or about to, still runs. */
        void cancel();
    }
}
