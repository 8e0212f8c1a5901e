package io.pushwire.server.core;

import io.pushwire.protocol.Position;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.SubscriptionMode;

/**
 * One session's subscription to one channel, as the channel sees it: routes the channel's frames into
 * the session's outbound queue, in the channel's lane, whole ({@code mode: all}) or through a
 * {@link ConflationSlot} ({@code mode: conflate}). It remembers how far the writer got, which is where a
 * resumed session continues when the client does not say.
 */
final class Subscription implements Subscriber, ChannelStream {
    private final Session session;
    private final Channel channel;
    private final SubscriptionMode mode;
    private final Long intervalMs;
    /** Only in {@code mode: conflate}. */
    private final ConflationSlot slot;
    /** The highest seq written to the client (delivered or announced); -1 before the {@code subscribed} reply. */
    private volatile long writtenSeq = -1;

    Subscription(Session session, Channel channel, SubscriptionMode mode, Long intervalMs) {
        this.session = session;
        this.channel = channel;
        this.mode = mode;
        this.intervalMs = intervalMs;
        this.slot = mode == SubscriptionMode.CONFLATE ? new ConflationSlot(this, intervalMs == null ? 0 : intervalMs) : null;
    }

    Subscription(Session session, Channel channel, Subscribe request) {
        this(session, channel, request.effectiveMode(), request.intervalMs());
    }

    Channel channel() {
        return channel;
    }

    /** The same subscription for a new connection, from scratch (a fresh slot, nothing written yet). */
    Subscription renewed() {
        return new Subscription(session, channel, mode, intervalMs);
    }

    /** The request that restores this subscription after {@code since} (none: from the head). */
    Subscribe resumeRequest(Position since) {
        return new Subscribe(null, channel.name(), since, mode == SubscriptionMode.ALL ? null : mode, intervalMs, null);
    }

    /** Where the client is, as far as the server knows: the last position written, if any. */
    Position writtenPosition() {
        long seq = writtenSeq;
        return seq < 0 ? null : new Position(seq, channel.epoch());
    }

    @Override
    public String channelName() {
        return channel.name();
    }

    @Override
    public Priority lane() {
        return channel.policy().priority();
    }

    @Override
    public boolean conflatable() {
        return channel.policy().conflatable();
    }

    @Override
    public void written(long accountedSeq) {
        if (accountedSeq > writtenSeq) {
            writtenSeq = accountedSeq; // the one writer of this connection's queue, under its lock
        }
    }

    @Override
    public void offerFrame(Channel from, String encodedFrame, long accountedSeq) {
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
    public void offerEvent(Channel from, long seq, String encodedEvent) {
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
    void stop() {
        channel.unsubscribe(this);
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
