package io.pushwire.client.internal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A {@link CurrentConnection} for unit tests. The test's thread plays the event thread: timers run on a
 * {@link ManualScheduler} inside {@code time.advance}, and "soon" tasks and completions (which may come
 * from another thread, like a token supplier's) wait in a queue until the test runs them. Connected when
 * the test says so. It is one connection that never ends: ending connections, and dropping their timers,
 * is ClientCore's business.
 */
final class ManualConnection implements CurrentConnection {
    final ManualScheduler time = new ManualScheduler();
    private final BlockingQueue<Runnable> queued = new LinkedBlockingQueue<>();
    volatile boolean connected;

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public Scheduler.Cancellable schedule(long delayMs, Runnable task) {
        return time.schedule(task, delayMs);
    }

    @Override
    public void runSoon(Runnable task) {
        queued.add(task);
    }

    @Override
    public <T> void whenComplete(CompletableFuture<T> future, BiConsumer<? super T, ? super Throwable> callback) {
        future.whenComplete((value, error) -> queued.add(() -> callback.accept(value, error)));
    }

    /** How many tasks wait to be run. */
    int queuedTasks() {
        return queued.size();
    }

    /** Runs the tasks queued now, in order. */
    void runQueued() {
        Runnable task;
        while ((task = queued.poll()) != null) {
            task.run();
        }
    }

    /** Waits for the next task (a completion from another thread, say) and runs it. */
    void runNext() throws InterruptedException {
        Runnable task = queued.poll(5, TimeUnit.SECONDS);
        if (task == null) {
            throw new AssertionError("nothing was queued for the event thread");
        }
        task.run();
    }
}
