package io.pushwire.server.core;

/**
 * Receives one channel's frames, already encoded, in the channel's order. Calls for one subscriber never
 * overlap: they come under its {@link Delivery}'s lock, from publishers' threads or from the thread
 * joining it. Implementations only enqueue: they never block and never call back into the hub.
 */
interface Subscriber {
    /** A join is about to offer its reply: the epoch it names, which later events share. */
    default void joined(String epoch) {
    }

    /**
     * A frame of the channel's stream that is not an event: the {@code subscribed} reply, a {@code gap}
     * or a {@code status}. After it, the client knows every seq up to {@code accountedSeq} (delivered
     * before, or announced as missing); 0 when it accounts for none (a status).
     */
    void offerFrame(String encodedFrame, long accountedSeq);

    /** One event, {@code seq} being its seq. */
    void offerEvent(long seq, String encodedEvent);
}
