package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.Objects;

/** Replaces an expiring auth token on a live connection. */
@JsonTypeName("refresh")
public record Refresh(Long id, String token) implements Frame, Frame.Request {
    public Refresh {
        Objects.requireNonNull(token, "token");
    }
}
