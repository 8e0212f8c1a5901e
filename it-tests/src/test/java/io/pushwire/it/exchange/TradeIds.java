package io.pushwire.it.exchange;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-instrument trade id sequences, so that every connection subscribed to an instrument sees the same
 * id for the same trade (what a make-before-break overlap relies on), and so that a test can open a gap
 * on purpose.
 */
final class TradeIds {
    private final Map<String, AtomicLong> next = new ConcurrentHashMap<>();
    private volatile long firstId;

    TradeIds(long firstId) {
        this.firstId = firstId;
    }

    /** Takes {@code count} consecutive ids and returns the last of them. */
    long take(String instrument, int count) {
        return counter(instrument).addAndGet(count) - 1;
    }

    /** Jumps the sequence: the next trade's id is {@code n} higher than it would have been. */
    void skip(String instrument, long n) {
        counter(instrument).addAndGet(n);
    }

    void setNext(String instrument, long id) {
        counter(instrument).set(id);
    }

    /** The first id of instruments that have not traded yet. */
    void setFirst(long id) {
        firstId = id;
    }

    /** The id the next trade of this instrument will get. */
    long peek(String instrument) {
        return counter(instrument).get();
    }

    private AtomicLong counter(String instrument) {
        return next.computeIfAbsent(instrument, ignored -> new AtomicLong(firstId));
    }
}
