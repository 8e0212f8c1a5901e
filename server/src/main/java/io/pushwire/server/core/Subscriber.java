package io.pushwire.server.core;

/**
 * Receives a channel's frames, already encoded, in channel order. Called while the channel's lock is
 * held, so implementations only enqueue: they never block and never call back into the channel.
 */
interface Subscriber {
    /**
     * A frame of the channel's stream that is not an event: the {@code subscribed} reply or a
     * {@code gap}. After it, the client knows every seq up to {@code accountedSeq} (delivered before,
     * or announced as missing).
     */
    void offerFrame(Channel channel, String encodedFrame, long accountedSeq);

    /** One event, {@code seq} being its seq. */
    void offerEvent(Channel channel, long seq, String encodedEvent);
}
