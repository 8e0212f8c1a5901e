package io.pushwire.server.feed.upstream;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.InstantSource;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** An {@link EventLoop} on one named platform thread. A task that throws is logged; the loop lives on. */
final class ExecutorEventLoop implements EventLoop {
    private static final Logger LOG = System.getLogger(ExecutorEventLoop.class.getName());
    private final ScheduledExecutorService executor;
    private final InstantSource clock;

    ExecutorEventLoop(String threadName, InstantSource clock) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name(threadName).daemon().factory());
        // After shutdown, pending timers (a reconnect in 20 s) must not fire.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
        this.executor = executor;
        this.clock = clock;
    }

    @Override
    public boolean execute(Runnable task) {
        try {
            executor.execute(guarded(task));
            return true;
        } catch (RejectedExecutionException closed) {
            return false; // the feed was closed: late socket callbacks have nothing left to update
        }
    }

    @Override
    public Runnable schedule(Runnable task, long delayMs) {
        try {
            ScheduledFuture<?> future = executor.schedule(guarded(task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        } catch (RejectedExecutionException closed) {
            return () -> { };
        }
    }

    @Override
    public long nowMs() {
        return clock.millis();
    }

    @Override
    public void shutdown() {
        executor.shutdown();
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "feed task failed", e);
            }
        };
    }
}
