package io.pushwire.server.core;

/**
 * What one publish did.
 *
 * @param channel     the channel published to
 * @param seq         the seq the event got
 * @param subscribers how many subscribers it was offered to
 */
public record Published(String channel, long seq, int subscribers) {
}
