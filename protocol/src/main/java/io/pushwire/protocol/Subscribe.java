package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.Objects;

/**
 * Starts delivery of a channel. {@code since} asks for a replay of what history holds after that
 * position; {@code snapshot} asks for the latest event at once.
 */
@JsonTypeName("subscribe")
public record Subscribe(Long id, String channel, Position since, SubscriptionMode mode, Long intervalMs,
                        Boolean snapshot) implements Frame, Frame.Request {
    public Subscribe {
        Objects.requireNonNull(channel, "channel");
    }

    /** A plain live subscription. */
    public static Subscribe of(long id, String channel) {
        return new Subscribe(id, channel, null, null, null, null);
    }

    /** The mode, {@link SubscriptionMode#ALL} when the client sent none. */
    public SubscriptionMode effectiveMode() {
        return mode == null ? SubscriptionMode.ALL : mode;
    }

    /** Whether the client asked for the latest event at once. */
    public boolean wantsSnapshot() {
        return Boolean.TRUE.equals(snapshot);
    }
}
