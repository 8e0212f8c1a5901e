package io.pushwire.server.feed.upstream;

/**
 * The one thread that owns a feed's state, and its timers. Every socket callback hops onto it, so the
 * connector is a plain state machine with no locks and no races between a ping timer and a reconnect.
 */
interface EventLoop {
    /** Runs {@code task} on the loop, after what is already queued; false when the loop was shut down. */
    boolean execute(Runnable task);

    /** Runs {@code task} on the loop after {@code delayMs}; the returned action cancels it. */
    Runnable schedule(Runnable task, long delayMs);

    /** The loop's clock, epoch ms. */
    long nowMs();

    /** Stops running tasks. */
    void shutdown();
}
