package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.Objects;

/**
 * Reply to {@link Subscribe}: the channel's current {@code epoch} and head {@code seq}, whether the
 * requested position was recovered from history and how many events were replayed.
 */
@JsonTypeName("subscribed")
public record Subscribed(Long id, String channel, String epoch, long seq, boolean recovered, long replayed)
        implements Frame {
    public Subscribed {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(epoch, "epoch");
    }
}
