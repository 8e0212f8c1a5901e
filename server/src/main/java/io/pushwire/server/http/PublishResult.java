package io.pushwire.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pushwire.server.core.Published;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to a publish or a push ({@link Published} as JSON), and its schema in {@code /openapi}. */
@Schema(name = "PublishResult", description = "What the publish did.",
        requiredProperties = {"channel", "seq", "subscribers"})
@JsonInclude(JsonInclude.Include.NON_NULL)
record PublishResult(
        @Schema(description = "The channel published to: the path's channel, or `$me` for a push to a session.",
                example = "app.orders")
        String channel,
        @Schema(description = "The seq the event got in its channel (for a repeated Idempotency-Key: the first"
                + " publish's seq). Subscribers see it on the event frame, with the channel's epoch.",
                minimum = "1", example = "1")
        long seq,
        @Schema(description = "How many subscribers on this node it was offered to.", minimum = "0", example = "0")
        int subscribers,
        @Schema(description = "Present, and true, only when the Idempotency-Key repeated one the channel took in the"
                + " last two minutes: nothing was published.", enumeration = "true")
        Boolean repeated) {

    static PublishResult of(Published published) {
        return new PublishResult(published.channel(), published.seq(), published.subscribers(),
                published.repeated() ? Boolean.TRUE : null);
    }
}
