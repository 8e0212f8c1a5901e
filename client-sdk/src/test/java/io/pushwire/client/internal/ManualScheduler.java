package io.pushwire.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Time that moves only when a test says so. Both clocks read the same manual value; due tasks run on the
 * test's thread inside {@link #advance} (the client hops them onto its event thread). Public for the SDK
 * tests of {@code io.pushwire.client}; the unit tests of this package use it too.
 */
public final class ManualScheduler implements Scheduler {
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long now = 1_700_000_000_000L;
    private long sequence;

    private static final class Task implements Comparable<Task> {
        final long due;
        final long order;
        final Runnable body;
        volatile boolean cancelled;

        Task(long due, long order, Runnable body) {
            this.due = due;
            this.order = order;
            this.body = body;
        }

        @Override
        public int compareTo(Task other) {
            return due != other.due ? Long.compare(due, other.due) : Long.compare(order, other.order);
        }
    }

    @Override
    public synchronized long nowMillis() {
        return now;
    }

    @Override
    public synchronized long wallMillis() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayMillis) {
        Task scheduled = new Task(now + Math.max(0, delayMillis), sequence++, task);
        tasks.add(scheduled);
        return () -> scheduled.cancelled = true;
    }

    /** Moves time forward, running every task that falls due on the way, in due order. */
    public void advance(long millis) {
        long target;
        synchronized (this) {
            target = now + millis;
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = Math.max(now, next.due);
            }
            if (!next.cancelled) {
                next.body.run();
            }
        }
    }

    /** Delays (from now) of the tasks still pending and not cancelled, soonest first. */
    public synchronized List<Long> pendingDelays() {
        List<Long> delays = new ArrayList<>();
        tasks.stream().filter(task -> !task.cancelled).sorted()
                .forEach(task -> delays.add(task.due - now));
        return delays;
    }
}
