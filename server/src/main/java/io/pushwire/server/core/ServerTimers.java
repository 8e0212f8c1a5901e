package io.pushwire.server.core;

import io.github.bucket4j.TimeMeter;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server's sense of time: its periodic sweeps and the delayed work of connections and queues, on one
 * timer thread; or, when a test gives its own {@link Scheduler}, on that, with no periodic sweeps at all
 * (the test runs them), so that a seeded run replays exactly.
 */
final class ServerTimers implements AutoCloseable {
    /** Null when a test drives time through {@link #scheduler}. */
    private final ScheduledExecutorService timer;
    private final Scheduler scheduler;
    /** Serialises sweeps (the timer's and a test's), so that one connection is never checked twice at once. */
    private final ReentrantLock sweepLock = new ReentrantLock();

    /** On a timer thread of its own, unless {@code given} (a test's) is not null. */
    ServerTimers(Scheduler given) {
        this.timer = given == null ? Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("pushwire-timers").daemon().factory()) : null;
        this.scheduler = given == null ? this::scheduleOnTimer : given;
    }

    /** Delayed work; a task scheduled after {@link #close} never runs. */
    Scheduler scheduler() {
        return scheduler;
    }

    /** Runs {@code task} every {@code periodMs} on the timer thread; nothing when a test drives time. */
    void every(long periodMs, Runnable task) {
        if (timer != null) {
            timer.scheduleWithFixedDelay(task, periodMs, periodMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Runs a sweep, never two at once. */
    void sweepSerially(Runnable sweep) {
        sweepLock.lock();
        try {
            sweep.run();
        } finally {
            sweepLock.unlock();
        }
    }

    /** {@code clock} in Bucket4j's terms, so that limits follow the same (injectable) time as everything else. */
    static TimeMeter timeMeter(InstantSource clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return TimeUnit.MILLISECONDS.toNanos(clock.millis());
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void scheduleOnTimer(Runnable task, long delayMs) {
        try {
            timer.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // Shutting down: the connection is closing too.
        }
    }
}
