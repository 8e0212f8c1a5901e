package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.Objects;

/**
 * The server knows the client will not receive seqs {@code fromSeq..toSeq} (inclusive) of a channel,
 * for {@code reason} (one of {@link GapReason}). Loss is never silent.
 */
@JsonTypeName("gap")
public record Gap(String channel, long fromSeq, long toSeq, String reason) implements Frame {
    public Gap {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(reason, "reason");
    }
}
