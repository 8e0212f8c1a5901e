package io.pushwire.client.internal;

import io.pushwire.client.EventHandler;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.Subscribed;
import java.util.concurrent.CompletableFuture;

/**
 * One channel the application subscribed to, and where it is in that channel. Confined to the client's
 * event thread.
 *
 * <p>The position is what makes delivery exactly-once for the application: an event at or below it in
 * the same epoch has been delivered already (a replay overlapping live delivery, say) and is dropped.
 */
final class ChannelSubscription {
    private final String channel;
    private final EventHandler handler;
    private final CompletableFuture<Subscribed> ready = new CompletableFuture<>();
    /** Last seq delivered (or skipped by a gap) in {@link #epoch}; 0 before the first. */
    private long seq;
    private String epoch;

    ChannelSubscription(String channel, EventHandler handler) {
        this.channel = channel;
        this.handler = handler;
    }

    String channel() {
        return channel;
    }

    CompletableFuture<Subscribed> ready() {
        return ready;
    }

    /** Where to resume from, or {@code null} before anything was received. */
    Position position() {
        return epoch == null ? null : new Position(seq, epoch);
    }

    void onSubscribed(Subscribed subscribed) {
        if (!subscribed.epoch().equals(epoch)) {
            // A new epoch numbers from 1 again: nothing of it has been delivered yet.
            epoch = subscribed.epoch();
            seq = 0;
        }
        ready.complete(subscribed);
    }

    /** Hands the event to the handler unless it was delivered before; returns whether it was delivered. */
    boolean deliver(Event event) {
        if (event.epoch().equals(epoch) && event.seq() <= seq) {
            return false;
        }
        epoch = event.epoch();
        seq = event.seq();
        handler.onEvent(event);
        return true;
    }

    /** A gap moves the position past seqs that will never come. */
    void onGap(Gap gap) {
        seq = Math.max(seq, gap.toSeq());
    }
}
