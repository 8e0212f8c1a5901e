package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.Objects;

/** Stops delivery of a channel. */
@JsonTypeName("unsubscribe")
public record Unsubscribe(Long id, String channel) implements Frame, Frame.Request {
    public Unsubscribe {
        Objects.requireNonNull(channel, "channel");
    }
}
