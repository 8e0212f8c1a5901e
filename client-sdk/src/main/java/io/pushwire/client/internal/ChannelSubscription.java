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
    /**
     * The position is the head a fresh {@code subscribed} reported, and nothing has been delivered yet.
     * What the server sends first is accepted even at or below that head: a subscribe without
     * {@code since} to {@code $me} delivers what the channel still holds, a snapshot the latest event.
     */
    private boolean provisional;
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
        this.provisional = previous.provisional;
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
     * The server (re)started delivery. A first subscription is positioned at the head (what a later
     * {@code since} resumes from), provisionally: see {@link #provisional}. A known epoch keeps the
     * position: the replay asked with {@code since} follows; but a head behind the position means the
     * server could not serve it and restarted the channel from its head (it says so with
     * {@code error bad_request}), so the head becomes the position. Another epoch means the old numbering
     * is void: the server announces it with {@code gap epoch_changed} and replays the new epoch from its
     * start, so the position restarts at 0.
     */
    void onSubscribed(Subscribed subscribed) {
        if (epoch == null) {
            epoch = subscribed.epoch();
            seq = subscribed.seq();
            provisional = true;
        } else if (!epoch.equals(subscribed.epoch())) {
            retire(epoch);
            retired.remove(subscribed.epoch());
            epoch = subscribed.epoch();
            seq = 0;
            provisional = false;
        } else if (subscribed.seq() < seq) {
            seq = subscribed.seq();
        }
        ready.complete(subscribed);
    }

    /** Whether {@code event} is new to the application; moves the position when it is. */
    Offer offer(Event event) {
        if (retired.contains(event.epoch())) {
            return Offer.STALE_EPOCH;
        }
        if (event.epoch().equals(epoch)) {
            if (event.seq() <= seq && !provisional) {
                return Offer.DUPLICATE;
            }
        } else if (epoch != null) {
            // A new epoch without a subscribed announcing it: the old one is over all the same.
            retire(epoch);
        }
        epoch = event.epoch();
        seq = event.seq();
        provisional = false;
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
        if (provisional && gap.toSeq() >= gap.fromSeq()) {
            // Comes before anything delivered (e.g. $me's held events that expired): all news.
            provisional = false;
            seq = gap.toSeq();
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
        provisional = false;
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
