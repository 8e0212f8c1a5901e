package io.pushwire.server.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.Status;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.Subscribed;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * One channel: its epoch, its sequence and its subscribers.
 *
 * <p>Publishing and subscribing take the same lock, so a new subscriber sees its {@code subscribed} reply
 * (with the head seq) strictly before the first live event after that head: no gap and no duplicate at
 * the seam. Each event is encoded once and the same string goes to every subscriber.
 *
 * <p>A channel fed from upstream also carries that source's health: {@link #markStale} sends a
 * {@code status} frame to every subscriber, and a new subscriber of a stale channel gets one after its
 * reply. Where the source is known to have lost events, {@link #announceUpstreamGap} puts a one-seq
 * {@code gap} into the stream (and its history) in their place.
 */
final class Channel {
    private static final Subscriber[] NONE = new Subscriber[0];

    private final String name;
    private final String epoch;
    private final FrameCodec codec;
    private final InstantSource clock;
    private final ChannelPolicy policy;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}. */
    private final ChannelHistory history;
    /** Guarded by {@link #lock}. */
    private long seq;
    /** Guarded by {@link #lock}: the last encoded event, for {@code snapshot:true}. */
    private String latest;
    /** Guarded by {@link #lock}; copied on change so that publish iterates a plain array. */
    private Subscriber[] subscribers = NONE;
    /** Guarded by {@link #lock}: the encoded {@code status stale:true} while the source is down, else null. */
    private String staleStatus;
    /** Guarded by {@link #lock}. */
    private String staleReason;
    /** Guarded by {@link #lock}: when it was last published to, subscribed to or left. */
    private long lastActiveMs;
    /** Guarded by {@link #lock}: the hub dropped it; whoever still holds it must look the name up again. */
    private boolean retired;

    Channel(String name, String epoch, FrameCodec codec, ChannelHistory history, InstantSource clock) {
        this(name, epoch, ChannelPolicy.DEFAULT, codec, history, clock);
    }

    Channel(String name, String epoch, ChannelPolicy policy, FrameCodec codec, ChannelHistory history,
            InstantSource clock) {
        this.name = name;
        this.policy = policy;
        this.epoch = epoch;
        this.codec = codec;
        this.history = history;
        this.clock = clock;
        this.lastActiveMs = clock.millis();
    }

    String name() {
        return name;
    }

    String epoch() {
        return epoch;
    }

    /** Its lane, and whether its events may be conflated. */
    ChannelPolicy policy() {
        return policy;
    }

    /** Assigns the next seq, encodes the event once and offers it to every subscriber. */
    Published publish(JsonNode data, long timestamp) {
        return append(timestamp, true, next -> codec.encode(new Event(name, next, epoch, timestamp, data)));
    }

    /**
     * Puts a {@code gap} with {@code reason} at the next seq, standing for events the source lost: live
     * subscribers get it in order, and a replay from history gets it in the same place.
     */
    Published announceUpstreamGap(String reason, long timestamp) {
        return append(timestamp, false, next -> codec.encode(new Gap(name, next, next, reason)));
    }

    /** Takes the next seq for an event or a gap frame, keeps it in history and offers it to every subscriber. */
    private Published append(long timestamp, boolean event, LongFunction<String> encodeAt) {
        lock.lock();
        try {
            requireLive();
            lastActiveMs = timestamp;
            seq++;
            String encoded = encodeAt.apply(seq);
            if (event) {
                latest = encoded;
            }
            history.append(seq, timestamp, encoded, event);
            history.expire(timestamp);
            Subscriber[] targets = subscribers;
            for (Subscriber subscriber : targets) {
                if (event) {
                    subscriber.offerEvent(this, seq, encoded);
                } else {
                    subscriber.offerFrame(this, encoded, seq);
                }
            }
            return new Published(name, seq, targets.length);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records whether the channel's source is down and, when that (or, while down, the reason) changed,
     * tells every subscriber with a {@code status} frame. Returns whether it changed.
     */
    boolean markStale(boolean stale, String reason) {
        lock.lock();
        try {
            if (stale == (staleStatus != null) && (!stale || Objects.equals(reason, staleReason))) {
                return false;
            }
            String encoded = codec.encode(new Status(name, stale, reason));
            staleReason = stale ? reason : null;
            staleStatus = stale ? encoded : null;
            for (Subscriber subscriber : subscribers) {
                subscriber.offerFrame(this, encoded, 0);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the source is down, as last marked. */
    boolean isStale() {
        lock.lock();
        try {
            return staleStatus != null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds a subscriber and offers it, in this order: the {@code subscribed} reply; then, when it asked
     * with {@code since}, a {@code gap} for what history cannot serve followed by the replay of what it
     * can; or, when it asked for a snapshot, the latest event; then, while the source is down, a
     * {@code status stale:true}. Live events follow with no gap and no
     * duplicate, because all of this happens under the lock that publish takes. Subscribing twice is
     * harmless: the reply (and any replay) is sent again, live events are not doubled.
     */
    void subscribe(Subscriber subscriber, Subscribe request) {
        subscribe(subscriber, request, null);
    }

    /** As {@link #subscribe(Subscriber, Subscribe)}, replacing {@code previous} in the same step. */
    void subscribe(Subscriber subscriber, Subscribe request, Subscriber previous) {
        lock.lock();
        try {
            requireLive();
            lastActiveMs = clock.millis();
            Position since = request.since();
            if (since != null && since.epoch().equals(epoch) && since.seq() > seq) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "since.seq " + since.seq()
                        + " is ahead of channel '" + name + "' head " + seq + " in epoch " + epoch, request.id(), null);
            }
            if (previous != null && previous != subscriber) {
                remove(previous);
            }
            if (indexOf(subscriber) < 0) {
                subscribers = append(subscribers, subscriber);
            }
            if (since == null) {
                subscriber.offerFrame(this, codec.encode(new Subscribed(request.id(), name, epoch, seq, false, 0)), seq);
                if (request.wantsSnapshot() && latest != null) {
                    subscriber.offerEvent(this, seq, latest);
                }
                offerStaleStatus(subscriber);
                return;
            }
            history.expire(clock.millis());
            Recovery recovery = recover(since);
            long accounted = since.epoch().equals(epoch) ? since.seq() : 0;
            subscriber.offerFrame(this, codec.encode(new Subscribed(request.id(), name, epoch, seq,
                    recovery.gap() == null, recovery.replay().size())), accounted);
            if (recovery.gap() != null) {
                subscriber.offerFrame(this, codec.encode(recovery.gap()), recovery.gap().toSeq());
            }
            for (ChannelHistory.Entry entry : recovery.replay()) {
                if (entry.event()) {
                    subscriber.offerEvent(this, entry.seq(), entry.encoded());
                } else {
                    subscriber.offerFrame(this, entry.encoded(), entry.seq());
                }
            }
            offerStaleStatus(subscriber);
        } finally {
            lock.unlock();
        }
    }

    /** Guarded by {@link #lock}. A status frame accounts for no seq. */
    private void offerStaleStatus(Subscriber subscriber) {
        if (staleStatus != null) {
            subscriber.offerFrame(this, staleStatus, 0);
        }
    }

    /** What a client at {@code since} gets: the events history still holds after it, and a gap for the rest. */
    private record Recovery(Gap gap, List<ChannelHistory.Entry> replay) {
    }

    /**
     * In the same epoch, everything after {@code since} that history holds is replayed; seqs older than
     * history are a {@code history_expired} gap. In another epoch the client's position means nothing
     * here: the gap says so ({@code epoch_changed}, covering what this epoch no longer holds, an empty
     * range {@code 1..0} when it holds everything) and history is replayed from its start.
     */
    private Recovery recover(Position since) {
        long firstHeld = history.size() == 0 ? seq + 1 : history.oldestSeq();
        if (!since.epoch().equals(epoch)) {
            return new Recovery(new Gap(name, 1, firstHeld - 1, GapReason.EPOCH_CHANGED), history.after(0));
        }
        long firstWanted = since.seq() + 1;
        if (firstWanted > seq || firstWanted >= firstHeld) {
            return new Recovery(null, history.after(since.seq()));
        }
        return new Recovery(new Gap(name, firstWanted, firstHeld - 1, GapReason.HISTORY_EXPIRED),
                history.after(since.seq()));
    }

    /** Removes a subscriber; returns whether it was subscribed. */
    boolean unsubscribe(Subscriber subscriber) {
        lock.lock();
        try {
            lastActiveMs = clock.millis();
            return remove(subscriber);
        } finally {
            lock.unlock();
        }
    }

    /** Guarded by {@link #lock}. */
    private boolean remove(Subscriber subscriber) {
        int index = indexOf(subscriber);
        if (index < 0) {
            return false;
        }
        Subscriber[] next = new Subscriber[subscribers.length - 1];
        System.arraycopy(subscribers, 0, next, 0, index);
        System.arraycopy(subscribers, index + 1, next, index, next.length - index);
        subscribers = next;
        return true;
    }

    /**
     * Retires the channel when nothing would be lost with it: no subscriber, no event left in history,
     * and no activity for {@code idleMs}. A retired channel refuses subscribes and publishes with
     * {@link Retired}, so one that raced the hub's sweep looks the name up again and gets a new channel
     * (in a new epoch: a client coming back with an old position is told {@code epoch_changed}).
     */
    boolean retireIfUnused(long nowMs, long idleMs) {
        lock.lock();
        try {
            history.expire(nowMs);
            if (subscribers.length > 0 || history.size() > 0 || nowMs - lastActiveMs < idleMs) {
                return false;
            }
            retired = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Guarded by {@link #lock}. */
    private void requireLive() {
        if (retired) {
            throw new Retired(name);
        }
    }

    /** Thrown to whoever uses a channel the hub has retired: look the name up again. */
    static final class Retired extends RuntimeException {
        Retired(String name) {
            super("channel '" + name + "' was retired", null, false, false);
        }
    }

    /** The seq the next publish drops from history (its oldest), or 0 when history has room. */
    long seqDroppedByNextPublish() {
        lock.lock();
        try {
            history.expire(clock.millis());
            return history.isFull() ? history.oldestSeq() : 0;
        } finally {
            lock.unlock();
        }
    }

    /** Current head seq (0 before the first event). */
    long head() {
        lock.lock();
        try {
            return seq;
        } finally {
            lock.unlock();
        }
    }

    int subscriberCount() {
        lock.lock();
        try {
            return subscribers.length;
        } finally {
            lock.unlock();
        }
    }

    private int indexOf(Subscriber subscriber) {
        for (int i = 0; i < subscribers.length; i++) {
            if (subscribers[i] == subscriber) {
                return i;
            }
        }
        return -1;
    }

    private static Subscriber[] append(Subscriber[] array, Subscriber subscriber) {
        Subscriber[] next = Arrays.copyOf(array, array.length + 1);
        next[array.length] = subscriber;
        return next;
    }
}
