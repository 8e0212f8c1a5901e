package io.pushwire.server.core;

/**
 * Receives a channel's frames, already encoded. Called while the channel's lock is held, so
 * implementations only enqueue: they never block and never call back into the channel.
 */
interface Subscriber {
    /** Takes one encoded frame, in channel order. */
    void offer(String encodedFrame);
}
