package io.pushwire.server.core;

import java.util.Arrays;

/**
 * One channel as this node's hub sees it: its route, the deliveries of its local subscribers, and when it
 * was last used here. Its deliveries change only inside the hub's map operations on its key
 * ({@code ConcurrentHashMap.compute}), which also create and drop it: a channel the hub dropped is never
 * written, because a later join finds no entry and makes a new one. Publishers read the deliveries
 * without a lock.
 */
final class LocalChannel {
    private static final Delivery[] NONE = new Delivery[0];

    private final ChannelRoute route;
    /** Whether it counts against {@code pushwire.limits.max-channels} (a client's channel, not a feed's). */
    private final boolean capped;
    /** Written inside the hub's map operations on this key; copied on change. */
    private volatile Delivery[] deliveries = NONE;
    /** When it was last published to, joined or left here. */
    private volatile long lastActiveMs;
    /**
     * Set inside the sweep's map operation before the broker may drop the channel's stream, cleared if it
     * keeps it: a publish that took this entry before the sweep dropped it learns so, after its broker call.
     */
    private volatile boolean retiring;

    LocalChannel(ChannelRoute route, boolean capped, long nowMs) {
        this.route = route;
        this.capped = capped;
        this.lastActiveMs = nowMs;
    }

    ChannelRoute route() {
        return route;
    }

    boolean capped() {
        return capped;
    }

    Delivery[] deliveries() {
        return deliveries;
    }

    int subscriberCount() {
        return deliveries.length;
    }

    void touch(long nowMs) {
        lastActiveMs = nowMs;
    }

    /** Whether the sweep is retiring it, or retired it. */
    boolean retiring() {
        return retiring;
    }

    /** Only inside the hub's map operation on this key. */
    void retiring(boolean retiring) {
        this.retiring = retiring;
    }

    /** Whether nobody here listens and it was not used for {@code idleMs}. */
    boolean idle(long nowMs, long idleMs) {
        return deliveries.length == 0 && nowMs - lastActiveMs >= idleMs;
    }

    /** The delivery feeding {@code subscriber}, or null. */
    Delivery find(Subscriber subscriber) {
        for (Delivery delivery : deliveries) {
            if (delivery.target() == subscriber) {
                return delivery;
            }
        }
        return null;
    }

    /** Only inside the hub's map operation on this key. */
    void add(Delivery delivery) {
        Delivery[] next = Arrays.copyOf(deliveries, deliveries.length + 1);
        next[deliveries.length] = delivery;
        deliveries = next;
    }

    /** Only inside the hub's map operation on this key. Returns whether it was there. */
    boolean remove(Delivery delivery) {
        int index = Arrays.asList(deliveries).indexOf(delivery);
        if (index < 0) {
            return false;
        }
        Delivery[] next = new Delivery[deliveries.length - 1];
        System.arraycopy(deliveries, 0, next, 0, index);
        System.arraycopy(deliveries, index + 1, next, index, next.length - index);
        deliveries = next;
        return true;
    }
}
