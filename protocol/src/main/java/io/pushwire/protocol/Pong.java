package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** Answer to a {@link Ping}; {@code ts} echoes the ping's. */
@JsonTypeName("pong")
public record Pong(Long ts) implements Frame {
}
