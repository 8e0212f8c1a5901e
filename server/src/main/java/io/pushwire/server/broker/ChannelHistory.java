package io.pushwire.server.broker;

import java.util.ArrayList;
import java.util.List;

/**
 * The recent events of one channel, already encoded: a ring of at most {@code capacity} events, each
 * kept for at most {@code ttlMs}. Not thread-safe: the owning {@link MemoryStream}'s lock guards it.
 *
 * <p>An entry is usually an {@code event}; it can also be a one-seq {@code gap} that stands in the
 * stream for events the channel's source lost (an exchange feed that skipped trade ids), so that a
 * replay tells a resuming client about them in their place.
 *
 * <p>Events are appended in seq order with no holes, so the ring is a contiguous seq range
 * {@code [oldest, newest]} and a lookup by seq is an index computation. The ring starts small and
 * doubles up to {@code capacity}: a quiet channel (or a session's {@code $me}, one per session) costs a
 * few hundred bytes, not the full ring.
 */
final class ChannelHistory {
    private final int capacity;
    private final long ttlMs;
    private static final int INITIAL_SLOTS = 8;

    private long[] seqs;
    private long[] timestamps;
    private String[] frames;
    /** Whether the entry in the same slot is an event (else a gap frame). */
    private boolean[] events;
    /** Index of the oldest retained event. */
    private int start;
    private int size;

    ChannelHistory(int capacity, long ttlMs) {
        if (capacity < 1 || ttlMs < 1) {
            throw new IllegalArgumentException("history size and ttl must be positive: " + capacity + ", " + ttlMs);
        }
        this.capacity = capacity;
        this.ttlMs = ttlMs;
        int slots = Math.min(capacity, INITIAL_SLOTS);
        this.seqs = new long[slots];
        this.timestamps = new long[slots];
        this.frames = new String[slots];
        this.events = new boolean[slots];
    }

    /**
     * Appends a frame with the next seq, an event or a gap standing for lost events, evicting the oldest
     * when full.
     */
    void append(long seq, long timestamp, String frame, boolean event) {
        if (size > 0 && seq != newestSeq() + 1) {
            throw new IllegalStateException("history seq " + seq + " does not follow " + newestSeq());
        }
        if (size == frames.length && size < capacity) {
            grow();
        }
        int slot = (start + size) % frames.length;
        if (size == frames.length) {
            start = (start + 1) % frames.length;
        } else {
            size++;
        }
        seqs[slot] = seq;
        timestamps[slot] = timestamp;
        frames[slot] = frame;
        events[slot] = event;
    }

    /** Doubles the ring (up to capacity), unrolling it so that the oldest event is at index 0. */
    private void grow() {
        int slots = Math.min(capacity, frames.length * 2);
        long[] newSeqs = new long[slots];
        long[] newTimestamps = new long[slots];
        String[] newFrames = new String[slots];
        boolean[] newEvents = new boolean[slots];
        for (int i = 0; i < size; i++) {
            int from = (start + i) % frames.length;
            newSeqs[i] = seqs[from];
            newTimestamps[i] = timestamps[from];
            newFrames[i] = frames[from];
            newEvents[i] = events[from];
        }
        seqs = newSeqs;
        timestamps = newTimestamps;
        frames = newFrames;
        events = newEvents;
        start = 0;
    }

    /** Drops events older than the TTL at {@code now}. */
    void expire(long now) {
        while (size > 0 && now - timestamps[start] > ttlMs) {
            frames[start] = null;
            start = (start + 1) % frames.length;
            size--;
        }
    }

    /** Whether the next append drops the oldest entry. */
    boolean isFull() {
        return size == capacity;
    }

    /** Oldest retained seq, or {@code 0} when empty. */
    long oldestSeq() {
        return size == 0 ? 0 : seqs[start];
    }

    /** Newest retained seq, or {@code 0} when empty. */
    long newestSeq() {
        return size == 0 ? 0 : seqs[(start + size - 1) % frames.length];
    }

    /** One retained entry: an event, or a gap frame when {@code event} is false. */
    record Entry(long seq, String encoded, boolean event) {
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
            int slot = (start + i) % frames.length;
            out.add(new Entry(seqs[slot], frames[slot], events[slot]));
        }
        return out;
    }

    int size() {
        return size;
    }
}
