package io.pushwire.server.broker;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.protocol.Position;
import java.util.Optional;

/**
 * Owns the channels' streams: numbers each channel's entries within its epoch, keeps their history,
 * answers "what came after this position", and hands every entry to the fan-out of each node that
 * subscribed to its channel. A node's hub keeps only who listens locally; everything a client's
 * position refers to lives here. {@link MemoryBroker} is the embedded one.
 *
 * <p>A channel exists as soon as anything touches it (a publish, a read, a status); it starts a new
 * epoch then, numbering from 1. The epoch is a value the broker keeps: it changes only when the
 * channel's state is dropped ({@link #retireIfIdle}, {@link #remove}), never while a node subscribes.
 *
 * <p>Every method may be called from any thread, and none waits for a client. Implementations keep
 * each channel's entries in one order and hand them to {@link BrokerListener} in that order. A shared
 * broker that cannot be reached throws {@link BrokerUnavailableException} and has done nothing.
 */
public interface Broker extends AutoCloseable {
    /**
     * Where this node's share of the entries goes. Called once, before anything is published or
     * subscribed.
     */
    void start(BrokerListener listener);

    /**
     * Appends an event: it takes the channel's next seq, is encoded once, kept in history, and handed to
     * the subscribed nodes (the embedded broker hands it to this node before it returns; a shared one, as
     * soon as its pub/sub brings it).
     */
    default Publication publish(ChannelKey channel, JsonNode data, long timestampMs) {
        return publish(channel, data, timestampMs, null);
    }

    /** How long an idempotency key is remembered: a repeat within it publishes nothing. */
    long IDEMPOTENCY_WINDOW_MS = 120_000;

    /**
     * As {@link #publish(ChannelKey, JsonNode, long)}, unless the channel saw {@code idempotencyKey} (when
     * not null) within {@link #IDEMPOTENCY_WINDOW_MS} in its current epoch: then nothing is published, and
     * the first publish's epoch and seq come back, with {@code encoded} null.
     */
    default Publication publish(ChannelKey channel, JsonNode data, long timestampMs, String idempotencyKey) {
        return publish(channel, data, timestampMs, idempotencyKey, 0);
    }

    /**
     * As {@link #publish(ChannelKey, JsonNode, long, String)}, written by a feed that holds a lease with
     * fencing token {@code fence} (0: not a feed's write). A channel that took a write with a higher token
     * refuses it with {@link FencedException}: a newer leader of the feed wrote there.
     */
    Publication publish(ChannelKey channel, JsonNode data, long timestampMs, String idempotencyKey, long fence);

    /**
     * Appends a one-seq {@code gap} with {@code reason}, standing for events the channel's source lost:
     * kept and handed on like an event, so that a replay shows it in their place.
     */
    default Publication publishGap(ChannelKey channel, String reason, long timestampMs) {
        return publishGap(channel, reason, timestampMs, 0);
    }

    /** As {@link #publishGap(ChannelKey, String, long)}, fenced as {@link #publish} is. */
    Publication publishGap(ChannelKey channel, String reason, long timestampMs, long fence);

    /**
     * Records whether the channel's source is down, and on a change (of state, or of reason while down)
     * hands the new numbered status to the subscribed nodes. Returns whether it changed.
     */
    default boolean markStale(ChannelKey channel, boolean stale, String reason) {
        return markStale(channel, stale, reason, 0);
    }

    /** As {@link #markStale(ChannelKey, boolean, String)}, fenced as {@link #publish} is. */
    boolean markStale(ChannelKey channel, boolean stale, String reason, long fence);

    /** The leases that decide which node runs each feed, with tokens this broker's channels check. */
    LeaseStore leases();

    /** Rate-limit buckets shared by every node on this broker; empty for a broker of one node. */
    default Optional<SharedBuckets> sharedBuckets() {
        return Optional.empty();
    }

    /**
     * Reads the channel: its epoch, head and status, its latest event, and the entries after
     * {@code since} (none when {@code since} is null; everything held when {@code since} names another
     * epoch). Entries older than the channel's history TTL are not returned.
     */
    StreamRead read(ChannelKey channel, Position since);

    /**
     * This node has a subscriber of the channel now: from when this returns, the channel's entries reach
     * the listener. Counted: a node that subscribes twice must unsubscribe twice.
     */
    void subscribe(ChannelKey channel);

    /** One less reason for this node to hear the channel. */
    void unsubscribe(ChannelKey channel);

    /**
     * Drops the channel when nothing would be lost with it: no node subscribes, its history holds
     * nothing, and it saw no publish or read for {@code idleMs}. Its next use starts a new epoch.
     * Returns whether the broker holds nothing of it now (dropped, or never there).
     */
    boolean retireIfIdle(ChannelKey channel, long nowMs, long idleMs);

    /** Drops a channel and its history now (a session's {@code $me} when the session ends). */
    void remove(ChannelKey channel);

    /**
     * Why the broker cannot be used now (for readiness), or empty while it can. The embedded broker always
     * can.
     */
    default Optional<String> unavailable() {
        return Optional.empty();
    }

    /**
     * Entries this node read back from the broker because its live delivery lost them (a shared broker's
     * pub/sub), since start; 0 for the embedded broker, which loses none.
     */
    default long repairedEntries() {
        return 0;
    }

    /** Stops delivering; what it holds is gone if it is in memory. */
    @Override
    void close();
}
