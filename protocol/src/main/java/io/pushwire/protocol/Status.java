package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.Objects;

/** Upstream health of a channel: {@code stale} while its source (an exchange feed, say) is down. */
@JsonTypeName("status")
public record Status(String channel, boolean stale, String reason) implements Frame {
    public Status {
        Objects.requireNonNull(channel, "channel");
    }
}
