package io.pushwire.server.feed;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.server.broker.FencedException;
import io.pushwire.server.core.FeedSink;
import io.pushwire.server.core.Published;

/**
 * The writer a leading feed gets: its writes go through as they are, until one is fenced (a newer leader
 * wrote); then the leadership is told, and that write and any that follow before the feed stops are
 * dropped quietly: the new leader publishes those events.
 */
final class LeaderWriter implements FeedSink {
    private final FeedSink fenced;
    private final Runnable onFenced;

    LeaderWriter(FeedSink fenced, Runnable onFenced) {
        this.fenced = fenced;
        this.onFenced = onFenced;
    }

    @Override
    public void declare(String channel) {
        fenced.declare(channel);
    }

    @Override
    public Published publish(String channel, JsonNode data, String idempotencyKey) {
        try {
            return fenced.publish(channel, data, idempotencyKey);
        } catch (FencedException e) {
            onFenced.run();
            return new Published(channel, 0, 0);
        }
    }

    @Override
    public boolean markStale(String channel, boolean stale, String reason) {
        try {
            return fenced.markStale(channel, stale, reason);
        } catch (FencedException e) {
            onFenced.run();
            return false;
        }
    }

    @Override
    public Published announceUpstreamGap(String channel) {
        try {
            return fenced.announceUpstreamGap(channel);
        } catch (FencedException e) {
            onFenced.run();
            return new Published(channel, 0, 0);
        }
    }
}
