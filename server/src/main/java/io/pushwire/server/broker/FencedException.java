package io.pushwire.server.broker;

/**
 * A feed's write was refused because a newer leader of the feed already wrote to the channel: this node
 * lost the feed's lease (it paused, or could not renew it) and must stop publishing. Nothing was written.
 */
public final class FencedException extends RuntimeException {
    public FencedException(String message) {
        super(message);
    }
}
