package io.pushwire.server.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.Subscribed;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One channel: its epoch, its sequence and its subscribers.
 *
 * <p>Publishing and subscribing take the same lock, so a new subscriber sees its {@code subscribed} reply
 * (with the head seq) strictly before the first live event after that head: no gap and no duplicate at
 * the seam. Each event is encoded once and the same string goes to every subscriber.
 */
final class Channel {
    private static final Subscriber[] NONE = new Subscriber[0];

    private final String name;
    private final String epoch;
    private final FrameCodec codec;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}. */
    private long seq;
    /** Guarded by {@link #lock}: the last encoded event, for {@code snapshot:true}. */
    private String latest;
    /** Guarded by {@link #lock}; copied on change so that publish iterates a plain array. */
    private Subscriber[] subscribers = NONE;

    Channel(String name, String epoch, FrameCodec codec) {
        this.name = name;
        this.epoch = epoch;
        this.codec = codec;
    }

    String name() {
        return name;
    }

    String epoch() {
        return epoch;
    }

    /** Assigns the next seq, encodes the event once and offers it to every subscriber; returns the fan-out. */
    int publish(JsonNode data, long timestamp) {
        lock.lock();
        try {
            seq++;
            String encoded = codec.encode(new Event(name, seq, epoch, timestamp, data));
            latest = encoded;
            Subscriber[] targets = subscribers;
            for (Subscriber subscriber : targets) {
                subscriber.offer(encoded);
            }
            return targets.length;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds a subscriber and offers it, in this order: the {@code subscribed} reply, a {@code gap} for what
     * it asked for with {@code since} but cannot get, or the latest event when it asked for a snapshot.
     * Live events follow. Subscribing twice is harmless: the reply is sent again, events are not doubled.
     */
    void subscribe(Subscriber subscriber, Subscribe request) {
        lock.lock();
        try {
            Position since = request.since();
            if (since != null && since.epoch().equals(epoch) && since.seq() > seq) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "since.seq " + since.seq()
                        + " is ahead of channel '" + name + "' head " + seq + " in epoch " + epoch, request.id(), null);
            }
            if (!contains(subscriber)) {
                subscribers = append(subscribers, subscriber);
            }
            boolean recovered = since != null && since.epoch().equals(epoch) && since.seq() == seq;
            subscriber.offer(codec.encode(new Subscribed(request.id(), name, epoch, seq, recovered, 0)));
            if (since != null && !recovered) {
                subscriber.offer(codec.encode(missedSince(since)));
            } else if (since == null && request.wantsSnapshot() && latest != null) {
                subscriber.offer(latest);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes a subscriber; returns whether it was subscribed. */
    boolean unsubscribe(Subscriber subscriber) {
        lock.lock();
        try {
            int index = indexOf(subscriber);
            if (index < 0) {
                return false;
            }
            Subscriber[] next = new Subscriber[subscribers.length - 1];
            System.arraycopy(subscribers, 0, next, 0, index);
            System.arraycopy(subscribers, index + 1, next, index, next.length - index);
            subscribers = next;
            return true;
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

    /**
     * What a client at {@code since} cannot receive. This server keeps no history yet, so everything after
     * its position is gone; in another epoch, the whole current epoch up to the head is (the range is empty,
     * {@code toSeq = 0}, when the new epoch has no event yet: the gap then only voids the old position).
     */
    private Gap missedSince(Position since) {
        if (!since.epoch().equals(epoch)) {
            return new Gap(name, 1, seq, GapReason.EPOCH_CHANGED);
        }
        return new Gap(name, since.seq() + 1, seq, GapReason.HISTORY_EXPIRED);
    }

    private boolean contains(Subscriber subscriber) {
        return indexOf(subscriber) >= 0;
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
