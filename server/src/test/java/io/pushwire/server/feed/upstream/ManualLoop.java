package io.pushwire.server.feed.upstream;

import java.util.ArrayDeque;
import java.util.PriorityQueue;

/** An {@link EventLoop} on virtual time, run by the test thread: tasks run when the test drains or advances. */
final class ManualLoop implements EventLoop {
    private record Timer(long dueMs, long order, Runnable task, boolean[] cancelled) {
    }

    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            (a, b) -> a.dueMs != b.dueMs ? Long.compare(a.dueMs, b.dueMs) : Long.compare(a.order, b.order));
    private long nowMs = 1_700_000_000_000L;
    private long order;
    private boolean shutdown;

    @Override
    public boolean execute(Runnable task) {
        if (!shutdown) {
            ready.add(task);
        }
        return !shutdown;
    }

    @Override
    public Runnable schedule(Runnable task, long delayMs) {
        boolean[] cancelled = {false};
        if (!shutdown) {
            timers.add(new Timer(nowMs + Math.max(0, delayMs), order++, task, cancelled));
        }
        return () -> cancelled[0] = true;
    }

    @Override
    public long nowMs() {
        return nowMs;
    }

    @Override
    public void shutdown() {
        shutdown = true;
        timers.clear();
    }

    /** Runs everything ready now. */
    void drain() {
        Runnable task;
        while ((task = ready.poll()) != null) {
            task.run();
        }
    }

    /** Moves time forward by {@code ms}, running each timer at its due time, and what it made ready. */
    void advance(long ms) {
        long until = nowMs + ms;
        drain();
        while (!timers.isEmpty() && timers.peek().dueMs <= until) {
            Timer timer = timers.poll();
            nowMs = Math.max(nowMs, timer.dueMs);
            if (!timer.cancelled[0]) {
                timer.task.run();
            }
            drain();
        }
        nowMs = until;
    }

    boolean isShutdown() {
        return shutdown;
    }
}
