package io.pushwire.protocol;

/** Values of {@code gap.reason}. */
public final class GapReason {
    /** History no longer holds these seqs. */
    public static final String HISTORY_EXPIRED = "history_expired";
    /** The channel's history was lost (a restart, say) and started a new epoch. */
    public static final String EPOCH_CHANGED = "epoch_changed";
    /** The server dropped these events because the client did not read fast enough. */
    public static final String DROPPED_SLOW_CONSUMER = "dropped_slow_consumer";
    /** A conflated subscription skipped these events on purpose. */
    public static final String CONFLATED = "conflated";
    /**
     * The channel's upstream source (an exchange feed) lost these events: its sequence ids jumped, or it
     * reconnected after missing some. The gap takes one seq of the channel's own stream, in their place.
     */
    public static final String UPSTREAM = "upstream";

    private GapReason() {
    }
}
