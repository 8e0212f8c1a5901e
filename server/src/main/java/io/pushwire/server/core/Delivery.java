package io.pushwire.server.core;

import io.pushwire.server.broker.ChannelStatus;
import io.pushwire.server.broker.Publication;
import io.pushwire.server.broker.StreamRead;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One subscriber's place in a channel's fan-out, and the seam between what a join replays and what
 * arrives live.
 *
 * <p>A join (a subscribe, a re-subscribe, a resume) starts by putting the delivery in the fan-out, holding
 * live entries instead of offering them; then it reads the broker (head, history after the client's
 * position), offers the reply and the replay, and releases what it held that comes after the read: by
 * seq, so that live events continue exactly after the head the reply named, with nothing skipped or
 * doubled. No lock spans the broker read and the fan-out: only this delivery's own, which a publisher
 * takes for the moment it offers, and the join for the moment it switches.
 */
final class Delivery {
    private final ReentrantLock lock = new ReentrantLock();
    /** Written under {@link #lock}; volatile so that the fan-out can find a delivery by its subscriber. */
    private volatile Subscriber target;
    /** Guarded by {@link #lock}: live entries and statuses held while a join reads; null while live. */
    private List<Object> held = new ArrayList<>();
    /** Guarded by {@link #lock}: the epoch and seq of the last entry offered, to drop what a replay covered. */
    private String epoch;
    private long lastSeq;
    /** Guarded by {@link #lock}: the last status version offered. */
    private long statusVersion;
    /** Guarded by {@link #lock}: left the fan-out; a publish already iterating over it offers nothing more. */
    private boolean stopped;
    /** Guarded by {@link #lock}: the subscriber was told the broker is unreachable, and not yet that it is back. */
    private boolean outage;

    /** The broker became unreachable: a {@code status stale:true} to pass on once. */
    private record Outage(String frame) {
    }

    /** The broker is back: the channel's status now, to pass on if an outage was. */
    private record Recovery(String frame, long version) {
    }

    /** A delivery whose first join is under way: it holds live entries until the join completes. */
    Delivery(Subscriber target) {
        this.target = target;
    }

    Subscriber target() {
        return target;
    }

    /** A live entry of the channel, from the broker's listener. */
    void onPublication(Publication publication) {
        offerOrHold(publication);
    }

    /** A status change of the channel, from the broker's listener. */
    void onStatus(ChannelStatus status) {
        offerOrHold(status);
    }

    /** The broker became unreachable (see {@link io.pushwire.server.broker.BrokerListener#onUnavailable}). */
    void onUnavailable(String staleFrame) {
        offerOrHold(new Outage(staleFrame));
    }

    /** The broker is back and everything missed was offered (see {@link io.pushwire.server.broker.BrokerListener#onAvailable}). */
    void onAvailable(String statusFrame, long statusVersion) {
        offerOrHold(new Recovery(statusFrame, statusVersion));
    }

    /** Offers the item now, or holds it while a join reads; nothing once stopped. */
    private void offerOrHold(Object item) {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            if (held != null) {
                held.add(item);
            } else {
                offer(item);
            }
        } finally {
            lock.unlock();
        }
    }

    /** What a failed join puts back: the subscriber before it, and whether that one was live. */
    record Undo(Subscriber target, boolean wasLive) {
    }

    /**
     * Starts a join for {@code subscriber} (the same one again, or the one it replaces): from now on live
     * entries are held. Returns what {@link #abortJoin} needs to put things back.
     */
    Undo beginJoin(Subscriber subscriber) {
        lock.lock();
        try {
            Undo undo = new Undo(target, held == null);
            target = subscriber;
            if (held == null) {
                held = new ArrayList<>();
            }
            return undo;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Completes a join with what the broker read: {@code offerJoinFrames} offers the reply, replay and
     * status to the subscriber, then every held entry after {@code read}'s head follows, in order.
     */
    void completeJoin(StreamRead read, Consumer<Subscriber> offerJoinFrames) {
        lock.lock();
        try {
            if (stopped) {
                return; // left while the join read: nothing of it is wanted any more
            }
            target.joined(read.epoch());
            offerJoinFrames.accept(target);
            epoch = read.epoch();
            lastSeq = read.head();
            statusVersion = read.status().version();
            release();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Undoes a join that failed before its reply: the subscriber it replaced is back, and if it was live
     * it gets what was held meanwhile, after what it had.
     */
    void abortJoin(Undo undo) {
        lock.lock();
        try {
            target = undo.target();
            if (undo.wasLive() && !stopped) {
                release();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The subscriber left: from the moment this returns nothing more is offered, not even by a publish
     * that was already handing an entry to every delivery of the channel. A reply that follows the leave
     * (an {@code unsubscribed}) is therefore the last frame of the channel.
     */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            held = null;
        } finally {
            lock.unlock();
        }
    }

    /** Guarded by {@link #lock}: offers what was held, in arrival order, and goes live. */
    private void release() {
        List<Object> pending = held;
        held = null;
        for (Object item : pending) {
            offer(item);
        }
    }

    /** Guarded by {@link #lock}. */
    private void offer(Object item) {
        switch (item) {
            case Publication publication -> offerLive(publication);
            case ChannelStatus status -> offerStatus(status);
            case Outage down -> {
                if (!outage) {
                    outage = true;
                    target.offerFrame(down.frame(), 0);
                }
            }
            case Recovery back -> {
                if (outage) {
                    outage = false;
                    statusVersion = Math.max(statusVersion, back.version());
                    target.offerFrame(back.frame(), 0);
                }
            }
            default -> throw new IllegalStateException("not a delivery item: " + item);
        }
    }

    /** Guarded by {@link #lock}. */
    private void offerLive(Publication publication) {
        if (publication.epoch().equals(epoch) && publication.seq() <= lastSeq) {
            return; // the join's replay (or the head its reply named) already accounts for it
        }
        if (!publication.epoch().equals(epoch)) {
            // A shared broker that lost the channel (a Redis restarted empty) goes on in a new epoch, and
            // announces it with an epoch_changed gap first; statuses are numbered anew in it.
            target.joined(publication.epoch());
            statusVersion = 0;
        }
        epoch = publication.epoch();
        lastSeq = publication.seq();
        if (publication.event()) {
            target.offerEvent(publication.seq(), publication.encoded());
        } else {
            target.offerFrame(publication.encoded(), publication.seq());
        }
    }

    /** Guarded by {@link #lock}. */
    private void offerStatus(ChannelStatus status) {
        if (status.version() > statusVersion) {
            statusVersion = status.version();
            target.offerFrame(status.encoded(), 0);
        }
    }
}
