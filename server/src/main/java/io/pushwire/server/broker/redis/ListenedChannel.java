package io.pushwire.server.broker.redis;

import io.pushwire.server.broker.ChannelKey;

/**
 * A channel this node listens to in Redis, and how far its node has been handed it: the epoch and seq of
 * the last entry, the version of the last status. Only the fan-out thread of {@link PubSubFanout} touches
 * it, so it needs no lock.
 */
final class ListenedChannel {
    final ChannelKey channel;
    String epoch;
    long lastSeq;
    long statusVersion;
    /** The head a periodic check saw beyond {@link #lastSeq}; still not reached at the next check, it is repaired. */
    long suspectHead;

    ListenedChannel(ChannelKey channel) {
        this.channel = channel;
    }
}
