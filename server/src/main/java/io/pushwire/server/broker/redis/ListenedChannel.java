package io.pushwire.server.broker.redis;

import io.pushwire.server.broker.ChannelKey;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A channel this node listens to in Redis, and how far its node has been handed it: the epoch and seq of
 * the last entry, the version of the last status. The fan-out thread of {@link PubSubFanout} and, for an
 * entry that comes next, Lettuce's event loop hand entries on, each under {@link #lock}; the event loop
 * only ever tries it, so that it never waits behind a repair's read of Redis.
 */
final class ListenedChannel {
    final ChannelKey channel;
    final ReentrantLock lock = new ReentrantLock();
    /** Messages of the channel waiting on the fan-out thread: while any is, later ones queue behind it. */
    final AtomicInteger queued = new AtomicInteger();
    /** Guarded by {@link #lock}. */
    String epoch;
    /** Guarded by {@link #lock}. */
    long lastSeq;
    /** Guarded by {@link #lock}. */
    long statusVersion;
    /** Guarded by {@link #lock}: the head a periodic check saw beyond {@link #lastSeq}; still not reached at the next check, it is repaired. */
    long suspectHead;
    /** Guarded by {@link #lock}: the node stopped listening; nothing more is handed on. */
    boolean forgotten;

    ListenedChannel(ChannelKey channel) {
        this.channel = channel;
    }
}
