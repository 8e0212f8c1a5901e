package io.pushwire.server.broker;

/**
 * A node's fan-out, as its broker sees it: where the entries and status changes of the channels this
 * node subscribed to arrive, wherever they were published.
 *
 * <p>Entries of one channel arrive one at a time, in seq order, with no hole and no repeat, all in the
 * epoch the channel had while the node was subscribed. Calls for different channels may come from
 * different threads at once. Implementations only hand the frames on (to queues); they must not block,
 * and must not call back into the broker.
 */
public interface BrokerListener {
    /** An entry of a channel this node subscribes to. */
    void onPublication(Publication publication);

    /** A change of a channel's status; versions of one channel arrive in order. */
    void onStatus(ChannelStatus status);
}
