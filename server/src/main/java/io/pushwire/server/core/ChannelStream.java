package io.pushwire.server.core;

/**
 * One channel's frames as one connection's queue sees them: which lane they ride in, whether they may be
 * conflated, and where to report what was written (so that a resumed session knows where the client was).
 */
interface ChannelStream {
    String channelName();

    Lane lane();

    /** Whether a newer event makes older pending ones of this channel worthless. */
    boolean conflatable();

    /**
     * The writer handed this stream's frames to the transport up to {@code accountedSeq} (an event's seq,
     * or the seq a {@code subscribed} or {@code gap} frame accounts for). Called under the queue's lock:
     * only record it.
     */
    void written(long accountedSeq);
}
