package io.pushwire.server.core;

/**
 * How one channel's events are queued.
 *
 * @param lane        the lane its frames ride in
 * @param conflatable whether a newer event makes older pending ones worthless (a ticker, not a trade),
 *                    so that a slow consumer's queue may keep only the newest
 */
public record ChannelPolicy(Lane lane, boolean conflatable) {
    public ChannelPolicy {
        if (lane == Lane.CONTROL) {
            throw new IllegalArgumentException("the control lane is not a channel priority");
        }
    }

    static final ChannelPolicy DEFAULT = new ChannelPolicy(Lane.NORMAL, false);
}
