package io.pushwire.client.internal;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A {@link CurrentConnection} for unit tests, all on the test's thread: connected when the test says so,
 * timers on a {@link ManualScheduler}, "soon" tasks run when the test calls {@link #runSoonTasks},
 * completions handled where they happen. It is one connection that never ends: ending connections (and
 * dropping their timers) is ClientCore's business.
 */
final class ManualConnection implements CurrentConnection {
    final ManualScheduler time = new ManualScheduler();
    private final Queue<Runnable> soon = new ArrayDeque<>();
    boolean connected;

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
        soon.add(task);
    }

    @Override
    public <T> void whenComplete(CompletableFuture<T> future, BiConsumer<? super T, ? super Throwable> callback) {
        future.whenComplete(callback);
    }

    /** How many tasks wait for {@link #runSoonTasks}. */
    int soonTasks() {
        return soon.size();
    }

    void runSoonTasks() {
        Runnable task;
        while ((task = soon.poll()) != null) {
            task.run();
        }
    }
}
