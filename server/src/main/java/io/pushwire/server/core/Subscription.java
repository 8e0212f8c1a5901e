package io.pushwire.server.core;

import io.pushwire.protocol.Position;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.SubscriptionMode;
import io.pushwire.server.store.SubscriptionRecord;

/**
 * One session's subscription to one channel, as the channel's fan-out sees it: routes the channel's
 * frames into the session's outbound queue, in the channel's lane, whole ({@code mode: all}) or through a
 * {@link ConflationSlot} ({@code mode: conflate}). It remembers how far the writer got, which is where a
 * resumed session continues when the client does not say.
 */
final class Subscription implements Subscriber, ChannelStream {
    private final ClientSession session;
    private final ChannelRoute route;
    private final SubscriptionMode mode;
    private final Long intervalMs;
    /** Only in {@code mode: conflate}. */
    private final ConflationSlot slot;
    /**
     * Where the client was before this subscription wrote anything: what the connection before wrote, or
     * what the session's record kept; null for a new subscription. It stands until this one writes.
     */
    private final Position carried;
    /** The epoch of the join's reply; null before the join. */
    private volatile String epoch;
    /** The highest seq written to the client (delivered or announced); -1 before the {@code subscribed} reply. */
    private volatile long writtenSeq = -1;

    private Subscription(ClientSession session, ChannelRoute route, SubscriptionMode mode, Long intervalMs,
                         Position carried) {
        this.session = session;
        this.route = route;
        this.mode = mode;
        this.intervalMs = intervalMs;
        this.slot = mode == SubscriptionMode.CONFLATE ? new ConflationSlot(this, intervalMs == null ? 0 : intervalMs) : null;
        this.carried = carried;
    }

    Subscription(ClientSession session, ChannelRoute route, Subscribe request) {
        this(session, route, request.effectiveMode(), request.intervalMs(), null);
    }

    /** A subscription as a session record kept it, on a node that restores the session. */
    static Subscription restored(ClientSession session, ChannelRoute route, SubscriptionRecord record) {
        return new Subscription(session, route, record.mode(), record.intervalMs(), record.written());
    }

    ChannelRoute route() {
        return route;
    }

    /**
     * The same subscription for a new connection: a fresh slot, nothing written on it yet, and until it
     * writes, the client is where this one left it (a connection can end before its writer wrote anything,
     * and the next resume must not start from the head).
     */
    Subscription renewed() {
        return new Subscription(session, route, mode, intervalMs, writtenPosition());
    }

    /** The request that restores this subscription after {@code since} (none: from the head). */
    Subscribe resumeRequest(Position since) {
        return new Subscribe(null, route.name(), since, mode == SubscriptionMode.ALL ? null : mode, intervalMs, null);
    }

    /** Where the client is, as far as the server knows: the last position written, if any. */
    Position writtenPosition() {
        long seq = writtenSeq;
        String written = epoch;
        return seq < 0 || written == null ? carried : new Position(seq, written);
    }

    /** What a session record keeps of it. */
    SubscriptionRecord record() {
        return new SubscriptionRecord(route.name(), mode, intervalMs, writtenPosition());
    }

    @Override
    public String channelName() {
        return route.name();
    }

    @Override
    public Lane lane() {
        return route.policy().lane();
    }

    @Override
    public boolean conflatable() {
        return route.policy().conflatable();
    }

    @Override
    public void written(long accountedSeq) {
        if (accountedSeq > writtenSeq) {
            writtenSeq = accountedSeq; // the one writer of this connection's queue, under its lock
        }
    }

    @Override
    public void joined(String epoch) {
        this.epoch = epoch;
    }

    @Override
    public void offerFrame(String encodedFrame, long accountedSeq) {
        Outbound outbound = session.outbound();
        if (outbound == null) {
            return;
        }
        // A frame with a seq of its own goes behind a pending conflated event, not ahead of it.
        if (slot != null && accountedSeq > 0 && outbound.holdBehindPending(slot, accountedSeq, encodedFrame)) {
            return;
        }
        outbound.enqueueChannelFrame(this, encodedFrame, accountedSeq);
        if (slot != null) {
            outbound.accountedUpTo(slot, accountedSeq);
        }
    }

    @Override
    public void offerEvent(long seq, String encodedEvent) {
        Outbound outbound = session.outbound();
        if (outbound == null) {
            return;
        }
        if (slot == null) {
            outbound.enqueueEvent(this, seq, encodedEvent);
        } else {
            outbound.offerConflated(slot, seq, encodedEvent);
        }
    }

    /** Leaves the channel: nothing more is offered, and an event held for conflation is dropped. */
    void stop(Hub hub) {
        hub.leave(route, this);
        cancel();
    }

    /** The subscription ended or was replaced: an event held for conflation is dropped. */
    void cancel() {
        Outbound outbound = session.outbound();
        if (slot != null && outbound != null) {
            outbound.cancel(slot);
        }
    }
}
