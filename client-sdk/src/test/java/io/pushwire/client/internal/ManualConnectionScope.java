package io.pushwire.client.internal;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A {@link ConnectionScope} for unit tests, all on the test's thread: timers on a {@link ManualScheduler},
 * "soon" tasks run when the test calls {@link #runSoonTasks}, completions handled where they happen.
 * It has one connection that never ends: what ends a connection is ClientCore's business.
 */
final class ManualConnectionScope implements ConnectionScope {
    final ManualScheduler time = new ManualScheduler();
    private final Queue<Runnable> soon = new ArrayDeque<>();

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
