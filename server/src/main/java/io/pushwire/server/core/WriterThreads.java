package io.pushwire.server.core;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs each task on a virtual thread of its own, as {@code Executors.newThreadPerTaskExecutor} does, for
 * less per task: the server starts one for every drain of every connection's queue (tens of thousands a
 * second under fan-out), and the JDK's executor spends a numbered thread name, an entry in a concurrent
 * set of its threads and a copy of the submitter's inheritable thread locals on each. Here the threads
 * share one name, inherit nothing, and only a counter tracks them, which is all that {@link #shutdown}
 * and {@link #awaitTermination} need.
 */
final class WriterThreads extends AbstractExecutorService {
    private final ThreadFactory threads;
    private final AtomicInteger running = new AtomicInteger();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean shutdown;

    WriterThreads(String name) {
        this.threads = Thread.ofVirtual().name(name).inheritInheritableThreadLocals(false).factory();
    }

    @Override
    public void execute(Runnable task) {
        running.incrementAndGet(); // before the check: a shutdown in between then waits for this task
        if (shutdown) {
            finished();
            throw new RejectedExecutionException("the server's writers are shut down");
        }
        threads.newThread(() -> {
            try {
                task.run();
            } finally {
                finished();
            }
        }).start();
    }

    private void finished() {
        if (running.decrementAndGet() == 0 && shutdown) {
            terminated.countDown();
        }
    }

    @Override
    public void shutdown() {
        shutdown = true;
        if (running.get() == 0) {
            terminated.countDown();
        }
    }

    /** Stops taking tasks; running ones finish on their own (their writes are bounded by the socket). */
    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }
}
