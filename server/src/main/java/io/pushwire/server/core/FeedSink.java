package io.pushwire.server.core;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a feed may do to the channels it serves; the {@link Hub} implements it. Callable from any thread;
 * none of the methods blocks on a client.
 */
public interface FeedSink {
    /** Declares a channel the feed serves, claiming its namespace. */
    void declare(String channel);

    /** Publishes one event. */
    default Published publish(String channel, JsonNode data) {
        return publish(channel, data, null);
    }

    /**
     * Publishes one event that the source identifies by {@code idempotencyKey} (null: none): a repeat of the
     * key on the channel within {@link io.pushwire.server.broker.Broker#IDEMPOTENCY_WINDOW_MS} publishes
     * nothing, so a trade that an old and a new leader of the feed both send around a handover reaches
     * subscribers once.
     */
    Published publish(String channel, JsonNode data, String idempotencyKey);

    /** Marks the channel's source down ({@code stale}) or back; a change is sent to subscribers as {@code status}. */
    boolean markStale(String channel, boolean stale, String reason);

    /** Announces events the source lost, as a {@code gap} that takes one seq of the channel. */
    Published announceUpstreamGap(String channel);
}
