package io.pushwire.server.core;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A clock moved by hand and a {@link Scheduler} whose tasks run when the clock passes their time. */
final class ManualTime implements InstantSource, Scheduler {
    private record Task(long dueMs, Runnable task) {
    }

    private long nowMs;
    private final List<Task> tasks = new ArrayList<>();

    ManualTime(long startMs) {
        this.nowMs = startMs;
    }

    @Override
    public synchronized Instant instant() {
        return Instant.ofEpochMilli(nowMs);
    }

    @Override
    public synchronized long millis() {
        return nowMs;
    }

    @Override
    public synchronized void schedule(Runnable task, long delayMs) {
        tasks.add(new Task(nowMs + delayMs, task));
    }

    synchronized int pendingTasks() {
        return tasks.size();
    }

    /** Moves the clock forward, running each task that falls due, in due order. */
    void advance(long ms) {
        long target;
        synchronized (this) {
            target = nowMs + ms;
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> t.dueMs() <= target).min(Comparator.comparingLong(Task::dueMs))
                        .orElse(null);
                if (next == null) {
                    nowMs = target;
                    return;
                }
                tasks.remove(next);
                nowMs = Math.max(nowMs, next.dueMs());
            }
            next.task().run();
        }
    }
}
