package io.pushwire.server.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The recent events of one channel, already encoded: a ring of at most {@code capacity} events, each
 * kept for at most {@code ttlMs}. Not thread-safe: the owning {@link Channel}'s lock guards it.
 *
 * <p>Events are appended in seq order with no holes, so the ring is a contiguous seq range
 * {@code [oldest, newest]} and a lookup by seq is an index computation.
 */
final class ChannelHistory {
    private final int capacity;
    private final long ttlMs;
    private final long[] seqs;
    private final long[] timestamps;
    private final String[] frames;
    /** Index of the oldest retained event. */
    private int start;
    private int size;

    ChannelHistory(int capacity, long ttlMs) {
        if (capacity < 1 || ttlMs < 1) {
            throw new IllegalArgumentException("history size and ttl must be positive: " + capacity + ", " + ttlMs);
        }
        this.capacity = capacity;
        this.ttlMs = ttlMs;
        this.seqs = new long[capacity];
        this.timestamps = new long[capacity];
        this.frames = new String[capacity];
    }

    /** Appends the event with the next seq, evicting the oldest when full. */
    void append(long seq, long timestamp, String frame) {
        if (size > 0 && seq != newestSeq() + 1) {
            throw new IllegalStateException("history seq " + seq + " does not follow " + newestSeq());
        }
        int slot = (start + size) % capacity;
        if (size == capacity) {
            start = (start + 1) % capacity;
        } else {
            size++;
        }
        seqs[slot] = seq;
        timestamps[slot] = timestamp;
        frames[slot] = frame;
    }

    /** Drops events older than the TTL at {@code now}. */
    void expire(long now) {
        while (size > 0 && now - timestamps[start] > ttlMs) {
            frames[start] = null;
            start = (start + 1) % capacity;
            size--;
        }
    }

    /** Oldest retained seq, or {@code 0} when empty. */
    long oldestSeq() {
        return size == 0 ? 0 : seqs[start];
    }

    /** Newest retained seq, or {@code 0} when empty. */
    long newestSeq() {
        return size == 0 ? 0 : seqs[(start + size - 1) % capacity];
    }

    /** One retained event. */
    record Entry(long seq, String encoded) {
    }

    /** Retained events with seq greater than {@code seq}, oldest first. */
    List<Entry> after(long seq) {
        if (size == 0 || seq >= newestSeq()) {
            return List.of();
        }
        long from = Math.max(seq + 1, oldestSeq());
        int skip = (int) (from - oldestSeq());
        List<Entry> out = new ArrayList<>(size - skip);
        for (int i = skip; i < size; i++) {
            int slot = (start + i) % capacity;
            out.add(new Entry(seqs[slot], frames[slot]));
        }
        return out;
    }

    int size() {
        return size;
    }
}
