package io.pushwire.server.broker;

/**
 * A node's fan-out, as its broker sees it: where the entries and status changes of the channels this
 * node subscribed to arrive, wherever they were published.
 *
 * <p>Entries of one channel arrive one at a time, in seq order, with no hole and no repeat, all in the
 * epoch the channel had while the node was subscribed; what a broker could not deliver arrives as a
 * {@code gap} entry in its place. A shared broker that lost a channel (a Redis restarted empty) goes on in
 * a new epoch: its first entry there is an {@code epoch_changed} gap, and its statuses are numbered anew.
 * Calls for different channels may come from different threads at once. Implementations only hand the
 * frames on (to queues); they must not block, and must not call back into the broker.
 */
public interface BrokerListener {
    /** An entry of a channel this node subscribes to. */
    void onPublication(Publication publication);

    /** A change of a channel's status; versions of one channel arrive in order. */
    void onStatus(ChannelStatus status);

    /**
     * A shared broker cannot be reached: entries of the channel may be missing until it is back. {@code
     * staleFrame} is the {@code status stale:true} that tells the channel's subscribers so.
     */
    default void onUnavailable(ChannelKey channel, String staleFrame) {
    }

    /**
     * The broker is back for the channel, and every entry missed meanwhile was handed on before this call.
     * {@code statusFrame} is the channel's status now (a {@code status stale:false} unless its source is
     * down), {@code statusVersion} its number.
     */
    default void onAvailable(ChannelKey channel, String statusFrame, long statusVersion) {
    }
}
