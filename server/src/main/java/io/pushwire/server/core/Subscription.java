package io.pushwire.server.core;

import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.SubscriptionMode;

/**
 * One session's subscription to one channel, as the channel sees it: routes the channel's frames into
 * the session's outbound queue, in the channel's lane, whole ({@code mode: all}) or through a
 * {@link ConflationSlot} ({@code mode: conflate}).
 */
final class Subscription implements Subscriber {
    private final Session session;
    private final Channel channel;
    private final SubscriptionMode mode;
    /** Only in {@code mode: conflate}. */
    private final ConflationSlot slot;

    Subscription(Session session, Channel channel, Subscribe request) {
        this.session = session;
        this.channel = channel;
        this.mode = request.effectiveMode();
        long intervalMs = request.intervalMs() == null ? 0 : request.intervalMs();
        this.slot = mode == SubscriptionMode.CONFLATE
                ? new ConflationSlot(channel.name(), lane(), intervalMs) : null;
    }

    Channel channel() {
        return channel;
    }

    SubscriptionMode mode() {
        return mode;
    }

    Priority lane() {
        return channel.policy().priority();
    }

    @Override
    public void offerFrame(Channel from, String encodedFrame, long accountedSeq) {
        Outbound outbound = session.outbound();
        if (outbound == null) {
            return;
        }
        outbound.enqueueChannelFrame(lane(), channel.name(), encodedFrame);
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
            outbound.enqueueEvent(lane(), channel.name(), seq, encodedEvent, channel.policy().conflatable());
        } else {
            outbound.offerConflated(slot, seq, encodedEvent);
        }
    }

    /** The subscription ended or was replaced: an event held for conflation is dropped. */
    void cancel() {
        Outbound outbound = session.outbound();
        if (slot != null && outbound != null) {
            outbound.cancel(slot);
        }
    }
}
