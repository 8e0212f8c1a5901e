package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A published item. {@code seq} grows by exactly 1 per event within one {@code epoch} of a channel;
 * {@code ts} is the server's publish time in epoch milliseconds.
 */
@JsonTypeName("event")
public record Event(String channel, long seq, String epoch, long ts, JsonNode data) implements Frame {
    public Event {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(data, "data");
    }

    /** This event's place in its channel. */
    public Position position() {
        return new Position(seq, epoch);
    }
}
