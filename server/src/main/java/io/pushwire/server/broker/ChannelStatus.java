package io.pushwire.server.broker;

/**
 * The health of a channel's source as last marked, numbered: each change gets the next {@code version},
 * so that a node that reads the status while changes are in flight can tell which ones it already has.
 * Statuses take no seq in the channel's stream.
 *
 * @param channel the channel it describes
 * @param version 0 before the first change, then 1, 2, 3...
 * @param stale   whether the source is down
 * @param encoded the {@code status} frame announcing this change; null for version 0 (nothing to announce)
 */
public record ChannelStatus(ChannelKey channel, long version, boolean stale, String encoded) {
    /** A channel whose status was never marked: not stale. */
    public static ChannelStatus initial(ChannelKey channel) {
        return new ChannelStatus(channel, 0, false, null);
    }
}
