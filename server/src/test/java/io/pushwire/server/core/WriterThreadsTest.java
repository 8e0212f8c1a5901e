package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WriterThreadsTest {
    @Test
    void eachTaskRunsOnAVirtualThreadThatInheritsNoThreadLocals() throws Exception {
        InheritableThreadLocal<String> inherited = new InheritableThreadLocal<>();
        inherited.set("publisher's");
        WriterThreads writers = new WriterThreads("test-writer");
        AtomicReference<Thread> ran = new AtomicReference<>();
        AtomicReference<String> seen = new AtomicReference<>("unset");
        CountDownLatch done = new CountDownLatch(1);
        writers.execute(() -> {
            ran.set(Thread.currentThread());
            seen.set(inherited.get());
            done.countDown();
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertTrue(ran.get().isVirtual());
        assertEquals("test-writer", ran.get().getName());
        assertEquals(null, seen.get());
    }

    @Test
    void shutdownWaitsForRunningTasksAndRejectsNewOnes() throws Exception {
        WriterThreads writers = new WriterThreads("test-writer");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            writers.execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                finished.incrementAndGet();
            });
        }
        writers.shutdown();
        assertTrue(writers.isShutdown());
        assertThrows(RejectedExecutionException.class, () -> writers.execute(() -> { }));
        assertFalse(writers.awaitTermination(100, TimeUnit.MILLISECONDS), "three tasks still run");
        assertFalse(writers.isTerminated());
        release.countDown();
        assertTrue(writers.awaitTermination(5, TimeUnit.SECONDS));
        assertEquals(3, finished.get());
        assertTrue(writers.isTerminated());
    }

    @Test
    void anIdleExecutorTerminatesAtOnce() throws Exception {
        WriterThreads writers = new WriterThreads("test-writer");
        writers.shutdownNow();
        assertTrue(writers.awaitTermination(0, TimeUnit.MILLISECONDS));
    }
}
