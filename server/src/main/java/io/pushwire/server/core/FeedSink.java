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
    Published publish(String channel, JsonNode data);

    /** Marks the channel's source down ({@code stale}) or back; a change is sent to subscribers as {@code status}. */
    boolean markStale(String channel, boolean stale, String reason);

    /** Announces events the source lost, as a {@code gap} that takes one seq of the channel. */
    Published announceUpstreamGap(String channel);
}
