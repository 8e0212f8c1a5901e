package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** Application-level heartbeat, sent by either side; answered with a {@link Pong} echoing {@code ts}. */
@JsonTypeName("ping")
public record Ping(Long ts) implements Frame {
}
