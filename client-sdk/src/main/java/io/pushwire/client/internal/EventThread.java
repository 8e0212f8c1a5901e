package io.pushwire.client.internal;

import io.pushwire.client.PushClientException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The client's event thread, {@code pushwire-client-N}: one daemon thread that runs the client's tasks one
 * at a time, in the order they were queued. {@link ClientCore} changes its state only there, so nothing
 * the client owns needs a lock.
 *
 * <p>Any thread may queue tasks. Once {@link #shutdown()} is called new tasks are refused, which each
 * method reports in its own way; tasks queued before still run, timers that are not due yet do not.
 */
final class EventThread {
    private static final Logger LOG = System.getLogger(EventThread.class.getName());
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final String name;
    private final ScheduledThreadPoolExecutor executor;
    private final Thread thread;

    EventThread() {
        this.name = "pushwire-client-" + CLIENTS.incrementAndGet();
        Thread[] created = new Thread[1];
        this.executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            created[0] = thread;
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        // Start the thread now so that its identity is known for isCurrent().
        CompletableFuture.runAsync(() -> { }, executor).join();
        this.thread = created[0];
    }

    /** The thread's name, {@code pushwire-client-N}; the client's other threads are named after it. */
    String name() {
        return name;
    }

    /** Timers on this thread and the system clocks: the production {@link Scheduler}. */
    Scheduler scheduler() {
        return new ExecutorScheduler(executor);
    }

    /** Queues a task; false when the thread is shut down. A task that throws is logged. */
    boolean execute(Runnable task) {
        try {
            executor.execute(() -> safely(task));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Runs {@code task} on this thread for its result; fails with "client is closed" once shut down. */
    <T> CompletableFuture<T> call(Supplier<T> task) {
        try {
            return CompletableFuture.supplyAsync(task, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(Failures.closed());
        }
    }

    /**
     * Runs {@code task} on this thread; the future completes when it has run. Once shut down it is
     * complete at once: for a transport that waits for it before reading on, and must not wait forever.
     */
    CompletableFuture<Void> run(Runnable task) {
        try {
            return CompletableFuture.runAsync(() -> safely(task), executor);
        } catch (RejectedExecutionException closed) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    void shutdown() {
        executor.shutdown();
    }

    /**
     * After {@link #shutdown()}: waits up to a second for {@code lastTask} and then for the queued tasks,
     * unless called on this thread, which cannot wait for itself. A task that failed other than with the
     * client's own exception is logged.
     */
    void awaitTermination(CompletableFuture<?> lastTask) {
        if (isCurrent()) {
            return;
        }
        try {
            lastTask.get(1, TimeUnit.SECONDS);
            executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            if (!(e.getCause() instanceof PushClientException)) {
                LOG.log(Level.WARNING, "client did not close cleanly", e);
            }
        }
    }

    /** Runs an event-thread task; a bug in it is logged rather than swallowed by the executor. */
    private static void safely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "pushwire client task failed", e);
            throw e;
        }
    }
}
