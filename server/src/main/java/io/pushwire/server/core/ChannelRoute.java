package io.pushwire.server.core;

import io.pushwire.server.broker.ChannelKey;

/**
 * Where a subscription's frames come from (the broker stream {@code key}) and how they are queued
 * ({@code policy}: the lane, and whether they may be conflated).
 */
record ChannelRoute(ChannelKey key, ChannelPolicy policy) {
    /** A session's {@code $me}: high priority, never conflated (each push counts). */
    static final ChannelPolicy INBOX_POLICY = new ChannelPolicy(Lane.HIGH, false);

    static ChannelRoute inbox(ChannelKey inbox) {
        return new ChannelRoute(inbox, INBOX_POLICY);
    }

    /** The name every frame of it carries. */
    String name() {
        return key.name();
    }
}
