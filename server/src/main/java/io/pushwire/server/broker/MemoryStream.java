package io.pushwire.server.broker;

import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.Status;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * One channel's stream in a {@link MemoryBroker}: its epoch, seq, history, latest event and status.
 * Every method takes the stream's lock, so appends are numbered and handed to the listener in one order.
 * A stream that was dropped says so ({@link #isDropped}) and is never written again: the broker looks the
 * channel up anew, and the new stream starts a new epoch.
 */
final class MemoryStream {
    private final ChannelKey channel;
    private final String epoch = Epochs.next();
    private final FrameCodec codec;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}. */
    private final ChannelHistory history;
    /** Guarded by {@link #lock}: the last seq taken. */
    private long seq;
    /** Guarded by {@link #lock}: the last encoded event, for {@code snapshot:true}. */
    private String latest;
    /** Guarded by {@link #lock}. */
    private ChannelStatus status;
    /** Guarded by {@link #lock}: why the source is down, while it is. */
    private String staleReason;
    /** Guarded by {@link #lock}: the node's subscribe calls not yet undone. */
    private int nodeSubscriptions;
    /** Guarded by {@link #lock}: the last publish or read. */
    private long lastActiveMs;
    /** Guarded by {@link #lock}. */
    private boolean dropped;
    /** Guarded by {@link #lock}: the highest fencing token a feed wrote with; 0 before any. */
    private long fence;
    /** Guarded by {@link #lock}: idempotency keys seen within the window, oldest first, with when and where. */
    private final LinkedHashMap<String, Remembered> idempotencyKeys = new LinkedHashMap<>();

    private record Remembered(long atMs, long seq) {
    }

    MemoryStream(ChannelKey channel, FrameCodec codec, HistorySettings limits, long nowMs) {
        this.channel = channel;
        this.codec = codec;
        this.history = new ChannelHistory(limits.size(), limits.ttlMs());
        this.status = ChannelStatus.initial(channel);
        this.lastActiveMs = nowMs;
    }

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    /** Guarded by the lock: whether the broker let go of it. */
    boolean isDropped() {
        return dropped;
    }

    String epoch() {
        return epoch;
    }

    /** Guarded by the lock. Takes the next seq for an event or a gap frame, keeps it, and hands it on. */
    Publication append(long timestampMs, boolean event, LongFunction<String> encodeAt, BrokerListener listener) {
        lastActiveMs = timestampMs;
        seq++;
        String encoded = encodeAt.apply(seq);
        if (event) {
            latest = encoded;
        }
        history.append(seq, timestampMs, encoded, event);
        history.expire(timestampMs);
        Publication publication = new Publication(channel, epoch, seq, encoded, event);
        if (nodeSubscriptions > 0) {
            listener.onPublication(publication);
        }
        return publication;
    }

    /**
     * Guarded by the lock. Lets a write with fencing token {@code writerFence} through (0: not a feed's) unless a
     * newer leader of the feed already wrote here.
     */
    void admit(long writerFence) {
        if (writerFence == 0) {
            return;
        }
        if (writerFence < fence) {
            throw new FencedException("channel '" + channel.name() + "' took a write with fencing token " + fence
                    + ", newer than " + writerFence);
        }
        fence = writerFence;
    }

    /**
     * Guarded by the lock. What a publish with {@code key} already returned within the idempotency window,
     * or null when the key is new (or null).
     */
    Publication repeatOf(String key, long nowMs) {
        forgetKeysBefore(nowMs - Broker.IDEMPOTENCY_WINDOW_MS);
        Remembered seen = key == null ? null : idempotencyKeys.get(key);
        return seen == null ? null : Publication.repeat(channel, epoch, seen.seq());
    }

    /** Guarded by the lock. Remembers {@code key} (unless null) for the idempotency window. */
    void remember(String key, Publication published, long nowMs) {
        if (key != null) {
            idempotencyKeys.put(key, new Remembered(nowMs, published.seq()));
        }
    }

    private void forgetKeysBefore(long cutoffMs) {
        Iterator<Remembered> oldestFirst = idempotencyKeys.values().iterator();
        while (oldestFirst.hasNext() && oldestFirst.next().atMs() < cutoffMs) {
            oldestFirst.remove();
        }
    }

    /** Guarded by the lock. Records the source's state and hands a change on; returns whether it changed. */
    boolean markStale(boolean stale, String reason, BrokerListener listener) {
        if (stale == status.stale() && (!stale || Objects.equals(reason, staleReason))) {
            return false;
        }
        staleReason = stale ? reason : null;
        String encoded = codec.encode(new Status(channel.name(), stale, reason));
        status = new ChannelStatus(channel, status.version() + 1, stale, encoded);
        if (nodeSubscriptions > 0) {
            listener.onStatus(status);
        }
        return true;
    }

    /** Guarded by the lock. What a subscriber at {@code since} needs; see {@link Broker#read}. */
    StreamRead read(Position since, long nowMs) {
        lastActiveMs = nowMs;
        history.expire(nowMs);
        long firstHeld = history.size() == 0 ? seq + 1 : history.oldestSeq();
        List<Publication> entries = since == null ? List.of()
                : history.after(since.epoch().equals(epoch) ? since.seq() : 0).stream()
                        .map(entry -> new Publication(channel, epoch, entry.seq(), entry.encoded(), entry.event()))
                        .toList();
        return new StreamRead(epoch, seq, firstHeld, entries, latest, status);
    }

    /** Guarded by the lock. */
    void nodeSubscribed() {
        nodeSubscriptions++;
    }

    /** Guarded by the lock. */
    void nodeUnsubscribed() {
        if (nodeSubscriptions > 0) {
            nodeSubscriptions--;
        }
    }

    /**
     * Guarded by the lock. Marks the stream dropped if nothing would be lost: no node subscribes, history
     * holds nothing at {@code nowMs}, and it was not used for {@code idleMs}.
     */
    boolean dropIfIdle(long nowMs, long idleMs) {
        history.expire(nowMs);
        if (nodeSubscriptions > 0 || history.size() > 0 || nowMs - lastActiveMs < idleMs) {
            return false;
        }
        dropped = true;
        return true;
    }

    /** Guarded by the lock. */
    void drop() {
        dropped = true;
    }
}
