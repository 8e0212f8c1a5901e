package io.pushwire.server.broker;

/**
 * One numbered entry of a channel's stream, encoded once for every node and subscriber: an
 * {@code event}, or (when {@code event} is false) a one-seq {@code gap} frame standing in the stream for
 * events the channel's source lost.
 *
 * @param channel the stream it belongs to
 * @param epoch   the history it is numbered in
 * @param seq     its place in that history: 1, 2, 3... with no hole
 * @param encoded the whole frame, as clients read it; null only in what a repeated idempotent publish
 *                returns (nothing was published then)
 * @param event   true for an event, false for an upstream gap
 */
public record Publication(ChannelKey channel, String epoch, long seq, String encoded, boolean event) {
    /** What a repeated idempotent publish returns: the first one's place, nothing new. */
    public static Publication repeat(ChannelKey channel, String epoch, long seq) {
        return new Publication(channel, epoch, seq, null, true);
    }

    /** Whether this is what a repeat returned: nothing was published. */
    public boolean repeated() {
        return encoded == null;
    }
}
