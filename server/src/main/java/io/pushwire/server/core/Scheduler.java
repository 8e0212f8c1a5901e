package io.pushwire.server.core;

/** Runs a task later. The server's timer thread in production; driven by hand in tests. */
interface Scheduler {
    /** Runs {@code task} once after {@code delayMs}; never blocks the caller. */
    void schedule(Runnable task, long delayMs);
}
