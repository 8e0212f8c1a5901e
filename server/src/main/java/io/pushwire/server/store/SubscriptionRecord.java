package io.pushwire.server.store;

import io.pushwire.protocol.Position;
import io.pushwire.protocol.SubscriptionMode;
import java.util.Objects;

/**
 * One subscription of a stored session: enough to restore it on any node.
 *
 * @param channel    the channel's name ({@code $me} for the session's own)
 * @param mode       {@code all} or {@code conflate}
 * @param intervalMs the conflation interval, or null
 * @param written    the last position written to the client, or null before the first frame of it
 */
public record SubscriptionRecord(String channel, SubscriptionMode mode, Long intervalMs, Position written) {
    public SubscriptionRecord {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(mode, "mode");
    }
}
