package io.pushwire.client.internal;

import io.pushwire.client.EventHandler;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.Subscribed;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * One channel the application subscribed to, and where it is in that channel. Confined to the client's
 * event thread. It outlives connections: the position it keeps is what resume and {@code since} send.
 *
 * <p>The position is what makes delivery exactly-once and in order for the application, whatever the
 * server replays: within an epoch an event at or below the position was delivered already (a replay
 * overlapping live delivery, say) and is dropped; an epoch that was replaced never delivers again.
 */
final class ChannelSubscription {
    /** What {@link #offer} decided. */
    enum Offer { DELIVER, DUPLICATE, STALE_EPOCH }

    private static final int RETIRED_EPOCHS_KEPT = 8;

    private final String channel;
    private final EventHandler handler;
    private final CompletableFuture<io.pushwire.protocol.Subscribed> ready;
    /** Last seq delivered (or announced lost by a gap) in {@link #epoch}. */
    private long seq;
    /** {@code null} until the first {@code subscribed} or event. */
    private String epoch;
    /** Epochs this channel left; their events are stale. Oldest first, bounded. */
    private final ArrayDeque<String> retired = new ArrayDeque<>();

    ChannelSubscription(String channel, EventHandler handler) {
        this.channel = channel;
        this.handler = handler;
        this.ready = new CompletableFuture<>();
    }

    /** A new handler for the same channel: keeps the position, so the switch loses and repeats nothing. */
    ChannelSubscription(ChannelSubscription previous, EventHandler handler) {
        this(previous.channel, handler);
        this.seq = previous.seq;
        this.epoch = previous.epoch;
        this.retired.addAll(previous.retired);
    }

    String channel() {
        return channel;
    }

    EventHandler handler() {
        return handler;
    }

    CompletableFuture<Subscribed> ready() {
        return ready;
    }

    /** Where to resume from, or {@code null} before the server told anything about the channel. */
    Position position() {
        return epoch == null ? null : new Position(seq, epoch);
    }

    /**
     * The server (re)started delivery. A first subscription starts after the head: the server sends
     * {@code head + 1} next. A known epoch keeps the position: the replay asked with {@code since} follows.
     * Another epoch means the old numbering is void: the server announces it with {@code gap epoch_changed}
     * and replays the new epoch from its start, so the position restarts at 0.
     */
    void onSubscribed(Subscribed subscribed) {
        if (epoch == null) {
            epoch = subscribed.epoch();
            seq = subscribed.seq();
        } else if (!epoch.equals(subscribed.epoch())) {
            retire(epoch);
            retired.remove(subscribed.epoch());
            epoch = subscribed.epoch();
            seq = 0;
        }
        ready.complete(subscribed);
    }

    /** Whether {@code event} is new to the application; moves the position when it is. */
    Offer offer(Event event) {
        if (retired.contains(event.epoch())) {
            return Offer.STALE_EPOCH;
        }
        if (event.epoch().equals(epoch)) {
            if (event.seq() <= seq) {
                return Offer.DUPLICATE;
            }
        } else if (epoch != null) {
            // A new epoch without a subscribed announcing it: the old one is over all the same.
            retire(epoch);
        }
        epoch = event.epoch();
        seq = event.seq();
        return Offer.DELIVER;
    }

    /**
     * A gap moves the position past seqs that will never come. Returns the gap to tell the application,
     * trimmed to what it has not seen yet, or {@code null} when it only repeats what was delivered or
     * announced before (a replay after a reconnect can announce a gap twice).
     */
    Gap onGap(Gap gap) {
        if (GapReason.EPOCH_CHANGED.equals(gap.reason())) {
            seq = Math.max(seq, gap.toSeq());
            return gap;
        }
        if (gap.toSeq() <= seq || gap.toSeq() < gap.fromSeq()) {
            return null;
        }
        long from = Math.max(gap.fromSeq(), seq + 1);
        seq = gap.toSeq();
        return from == gap.fromSeq() ? gap : new Gap(gap.channel(), from, gap.toSeq(), gap.reason());
    }

    /**
     * Forgets the position: the next {@code subscribed} starts the channel afresh at the head. For a
     * server that refused {@code since} (a position it cannot serve, e.g. ahead of its head).
     */
    void forgetPosition() {
        epoch = null;
        seq = 0;
    }

    private void retire(String old) {
        if (!retired.contains(old)) {
            if (retired.size() == RETIRED_EPOCHS_KEPT) {
                retired.removeFirst();
            }
            retired.addLast(old);
        }
    }
}
