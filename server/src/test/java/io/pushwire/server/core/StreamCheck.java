package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.protocol.Event;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.Unsubscribed;
import java.util.HashMap;
import java.util.Map;

/**
 * The protocol's promise that loss is never silent, on one connection: after {@code subscribed} (head
 * {@code seq}, {@code epoch}) a channel's events and gaps cover its seqs without a hole or a repeat,
 * starting either after the head (live) or at or before it (a replay or an epoch change), all in that
 * epoch. A snapshot (the latest event, which may be older than the head when the head is an upstream gap)
 * comes alone before the live events. After {@code unsubscribed} nothing of the channel comes until it is
 * subscribed again.
 */
final class StreamCheck {
    /** {@code next}: the seq the next event or gap must start at; 0 until the first one after the reply. */
    private record Stream(String epoch, long head, boolean replays, long next) {
    }

    private final Map<String, Stream> open = new HashMap<>();

    void accept(Frame frame) {
        if (frame instanceof Subscribed subscribed) {
            open.put(subscribed.channel(), new Stream(subscribed.epoch(), subscribed.seq(), subscribed.replayed() > 0, 0));
        } else if (frame instanceof Unsubscribed unsubscribed) {
            open.remove(unsubscribed.channel());
        } else if (frame instanceof Event event) {
            advance(event.channel(), event.seq(), event.seq(), event.epoch(), frame);
        } else if (frame instanceof Gap gap) {
            advance(gap.channel(), gap.fromSeq(), gap.toSeq(), null, frame);
        }
    }

    private void advance(String channel, long from, long to, String epoch, Frame frame) {
        Stream stream = open.get(channel);
        assertTrue(stream != null, frame + " on a channel not subscribed on this connection");
        if (epoch != null) {
            assertEquals(stream.epoch(), epoch, "epoch of " + frame);
        }
        if (stream.next() == 0 && epoch != null && from <= stream.head() && !stream.replays()) {
            open.put(channel, new Stream(stream.epoch(), stream.head(), false, stream.head() + 1)); // a snapshot
            return;
        }
        long expected = stream.next() > 0 ? stream.next() : from <= stream.head() ? from : stream.head() + 1;
        assertEquals(expected, from, "first seq of " + frame + ", after " + stream);
        // An epoch change with nothing lost is the empty gap 1..0.
        assertTrue(to >= from - 1, "a gap that ends before it starts: " + frame);
        open.put(channel, new Stream(stream.epoch(), stream.head(), stream.replays(), to + 1));
    }
}
