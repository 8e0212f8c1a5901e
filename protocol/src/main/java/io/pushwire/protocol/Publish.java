package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** Publishes {@code data} (any JSON value) to a channel, where the channel's ACL allows it. */
@JsonTypeName("publish")
public record Publish(Long id, String channel, JsonNode data) implements Frame, Frame.Request {
    public Publish {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(data, "data");
    }
}
