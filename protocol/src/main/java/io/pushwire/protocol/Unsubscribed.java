package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.Objects;

/** Reply to {@link Unsubscribe}. */
@JsonTypeName("unsubscribed")
public record Unsubscribed(Long id, String channel) implements Frame {
    public Unsubscribed {
        Objects.requireNonNull(channel, "channel");
    }
}
