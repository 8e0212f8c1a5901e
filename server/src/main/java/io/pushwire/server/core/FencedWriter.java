package io.pushwire.server.core;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A feed's writes through the hub, carrying the fencing token of the lease its node holds: a channel that a
 * newer leader of the feed wrote to refuses them. See {@link Hub#writerFencedBy}.
 */
final class FencedWriter implements FeedSink {
    private final Hub hub;
    private final long fence;

    FencedWriter(Hub hub, long fence) {
        this.hub = hub;
        this.fence = fence;
    }

    @Override
    public void declare(String channel) {
        hub.declare(channel);
    }

    @Override
    public Published publish(String channel, JsonNode data, String idempotencyKey) {
        return hub.publish(channel, data, idempotencyKey, fence);
    }

    @Override
    public boolean markStale(String channel, boolean stale, String reason) {
        return hub.markStale(channel, stale, reason, fence);
    }

    @Override
    public Published announceUpstreamGap(String channel) {
        return hub.announceUpstreamGap(channel, fence);
    }
}
