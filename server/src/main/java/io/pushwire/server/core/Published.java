package io.pushwire.server.core;

/**
 * What one publish did.
 *
 * @param channel     the channel published to
 * @param seq         the seq the event got
 * @param subscribers how many subscribers it was offered to
 * @param repeated    whether it repeated an idempotency key seen before: nothing was published, {@code seq}
 *                    is the first publish's
 */
public record Published(String channel, long seq, int subscribers, boolean repeated) {
    public Published(String channel, long seq, int subscribers) {
        this(channel, seq, subscribers, false);
    }
}
