package io.pushwire.it.exchange;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Continuous data for end-to-end tests: a virtual thread that, at a fixed rate, publishes one trade and
 * one ticker per symbol through a fake until stopped (or until the fake closes). The rate is capped so
 * that a typo cannot saturate a two-core machine.
 */
public final class ScriptedTrading implements AutoCloseable {
    /** Rounds per second above which the script refuses to run. */
    public static final double MAX_ROUNDS_PER_SECOND = 1000;

    private final List<String> symbols;
    private final AtomicLong rounds = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean stop;

    ScriptedTrading(String name, List<String> symbols, double roundsPerSecond, Consumer<String> tradeAndTicker) {
        if (!(roundsPerSecond > 0 && roundsPerSecond <= MAX_ROUNDS_PER_SECOND)) {
            throw new IllegalArgumentException("rate must be in (0, " + MAX_ROUNDS_PER_SECOND + "]: " + roundsPerSecond);
        }
        if (symbols.isEmpty()) {
            throw new IllegalArgumentException("no symbols to trade");
        }
        this.symbols = List.copyOf(symbols);
        long periodNanos = (long) (1e9 / roundsPerSecond);
        this.thread = Thread.ofVirtual().name(name + "-trading").start(() -> {
            long next = System.nanoTime();
            try {
                while (!stop) {
                    for (String symbol : this.symbols) {
                        tradeAndTicker.accept(symbol);
                    }
                    rounds.incrementAndGet();
                    next += periodNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } else {
                        next = System.nanoTime(); // fell behind: do not try to catch up in a burst
                    }
                }
            } catch (InterruptedException e) {
                // stopped
            } catch (RuntimeException e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        });
    }

    public List<String> symbols() {
        return symbols;
    }

    /** Rounds published so far (each is one trade and one ticker per symbol). */
    public long rounds() {
        return rounds.get();
    }

    /** Stops publishing and waits (briefly) for the publisher to finish its round. */
    public void stop() {
        stop = true;
        thread.interrupt();
        try {
            stopped.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
