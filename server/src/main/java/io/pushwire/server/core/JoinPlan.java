package io.pushwire.server.core;

import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.Subscribed;
import io.pushwire.server.broker.Publication;
import io.pushwire.server.broker.StreamRead;
import java.util.List;

/**
 * What a subscriber joining a channel is offered, decided from one read of the broker, in this order:
 * the {@code subscribed} reply; then, when it asked with {@code since}, a {@code gap} for what history
 * cannot serve followed by the replay of what it can; or, when it asked for a snapshot, the latest event;
 * then, while the source is down, a {@code status stale:true}.
 *
 * <p>In the same epoch, everything after {@code since} that history holds is replayed, and seqs older
 * than history are a {@code history_expired} gap. In another epoch the client's position means nothing
 * here: the gap says so ({@code epoch_changed}, covering what this epoch no longer holds, an empty range
 * {@code 1..0} when it holds everything) and history is replayed from its start.
 */
final class JoinPlan {
    private final String channel;
    private final Subscribe request;
    private final StreamRead read;
    /** For what a join with {@code since} cannot replay; null when it can replay everything or has no since. */
    private final Gap gap;

    private JoinPlan(String channel, Subscribe request, StreamRead read, Gap gap) {
        this.channel = channel;
        this.request = request;
        this.read = read;
        this.gap = gap;
    }

    /**
     * The plan for {@code request} on {@code channel} as {@code read}; refuses with {@code bad_request} a
     * {@code since} ahead of the head in the same epoch.
     */
    static JoinPlan of(String channel, Subscribe request, StreamRead read) {
        Position since = request.since();
        if (since == null) {
            return new JoinPlan(channel, request, read, null);
        }
        boolean sameEpoch = since.epoch().equals(read.epoch());
        if (sameEpoch && since.seq() > read.head()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "since.seq " + since.seq() + " is ahead of channel '"
                    + channel + "' head " + read.head() + " in epoch " + read.epoch(), request.id(), null);
        }
        if (!sameEpoch) {
            return new JoinPlan(channel, request, read, new Gap(channel, 1, read.firstHeld() - 1, GapReason.EPOCH_CHANGED));
        }
        long firstWanted = since.seq() + 1;
        if (firstWanted > read.head() || firstWanted >= read.firstHeld()) {
            return new JoinPlan(channel, request, read, null);
        }
        return new JoinPlan(channel, request, read,
                new Gap(channel, firstWanted, read.firstHeld() - 1, GapReason.HISTORY_EXPIRED));
    }

    /** Offers the reply and what follows it, encoded with {@code codec}. */
    void offerTo(Subscriber subscriber, FrameCodec codec) {
        Position since = request.since();
        long head = read.head();
        if (since == null) {
            subscriber.offerFrame(codec.encode(new Subscribed(request.id(), channel, read.epoch(), head, false, 0)), head);
            if (request.wantsSnapshot() && read.latest() != null) {
                subscriber.offerEvent(head, read.latest());
            }
        } else {
            List<Publication> replay = read.entries();
            long accounted = since.epoch().equals(read.epoch()) ? since.seq() : 0;
            subscriber.offerFrame(codec.encode(new Subscribed(request.id(), channel, read.epoch(), head, gap == null,
                    replay.size())), accounted);
            if (gap != null) {
                subscriber.offerFrame(codec.encode(gap), gap.toSeq());
            }
            for (Publication entry : replay) {
                if (entry.event()) {
                    subscriber.offerEvent(entry.seq(), entry.encoded());
                } else {
                    subscriber.offerFrame(entry.encoded(), entry.seq());
                }
            }
        }
        if (read.status().stale()) {
            subscriber.offerFrame(read.status().encoded(), 0);
        }
    }
}
