package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.Objects;

/** The server is draining: reconnect, with resume, after {@code reconnectAfterMs}. */
@JsonTypeName("goaway")
public record Goaway(String reason, long reconnectAfterMs) implements Frame {
    public Goaway {
        Objects.requireNonNull(reason, "reason");
    }
}
