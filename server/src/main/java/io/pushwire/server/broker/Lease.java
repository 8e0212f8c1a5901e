package io.pushwire.server.broker;

/**
 * A node's hold on a feed: only the holder runs the feed. {@code token} grows with every new holder of any
 * lease, so that a channel can refuse writes from an older holder than one it has seen (fencing).
 *
 * @param name   what is leased (a feed's name)
 * @param holder the node holding it
 * @param token  the fencing token of this holding
 */
public record Lease(String name, String holder, long token) {
}
