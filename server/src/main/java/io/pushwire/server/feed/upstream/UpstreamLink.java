package io.pushwire.server.feed.upstream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One connection attempt of a feed and what the feed knows about it: its socket once open, which
 * subscriptions the exchange confirmed, when it last heard anything, and its paced outbox. Confined to
 * the feed's loop thread; the feed compares links by identity to drop callbacks of replaced ones.
 */
final class UpstreamLink {
    /**
     * What a new link is for: the active connection, or the new one of a make-before-break handover. The
     * feed keeps which is which by holding them as its primary and standby.
     */
    enum Role { PRIMARY, STANDBY }

    final long openedAtMs;
    /** Null until the handshake completed. */
    UpstreamSocket socket;
    long lastInboundMs;
    long lastOutboundMs;
    long lastDataMs;
    long lastPingMs;
    /**
     * Earliest time the next message may go out (exchanges cap messages per second). This, {@link
     * #flushScheduled} and {@link #outbox} are {@link PacedSender}'s alone.
     */
    long nextSendAtMs;
    boolean flushScheduled;
    /** Messages waiting for their turn, oldest first. */
    final ArrayDeque<String> outbox = new ArrayDeque<>();
    /** A standby's market data, held until it takes over. */
    final HeldUpdates held = new HeldUpdates();

    private final Map<Long, List<String>> requests = new HashMap<>();
    /** Every key requested on this link. */
    private final Set<String> requested = new HashSet<>();
    private final Set<String> pending = new HashSet<>();
    private final Set<String> confirmed = new HashSet<>();
    private final Set<String> refused = new HashSet<>();

    UpstreamLink(long nowMs) {
        this.openedAtMs = nowMs;
    }

    void attach(UpstreamSocket socket, long nowMs) {
        this.socket = socket;
        lastInboundMs = nowMs;
        lastOutboundMs = nowMs;
        lastDataMs = nowMs;
        lastPingMs = nowMs;
    }

    /** A subscription request is on its way. */
    void expect(ExchangeAdapter.Request request) {
        requests.put(request.id(), request.keys());
        requested.addAll(request.keys());
        pending.addAll(request.keys());
    }

    /**
     * The keys an ack or a refusal settles: those it names that were requested here, else all of its
     * request's keys. They are no longer pending.
     */
    List<String> settle(long requestId, List<String> keys) {
        List<String> named = keys.isEmpty() ? requests.getOrDefault(requestId, List.of()) : keys;
        List<String> settled = new ArrayList<>(named.size());
        for (String key : named) {
            if (requested.contains(key)) {
                pending.remove(key);
                settled.add(key);
            }
        }
        return settled;
    }

    void confirmed(String key) {
        confirmed.add(key);
        refused.remove(key);
    }

    /** A refusal after a confirmation of the same key does not undo it. */
    boolean refused(String key) {
        return !confirmed.contains(key) && refused.add(key);
    }

    boolean isConfirmed(String key) {
        return confirmed.contains(key);
    }

    /** Open, and every subscription answered. */
    boolean subscribed() {
        return socket != null && pending.isEmpty();
    }

    boolean isOpen() {
        return socket != null;
    }

    /**
     * Starts a normal close (1000) if the connection is open. An attempt still connecting has no socket
     * yet: the feed, which no longer holds this link, drops it when it completes.
     */
    void close(String reason) {
        if (socket != null) {
            socket.close(1000, reason);
        }
    }

    /** Drops the connection without a handshake (it is dead, or replaced). */
    void abort() {
        if (socket != null) {
            socket.abort();
        }
    }
}
