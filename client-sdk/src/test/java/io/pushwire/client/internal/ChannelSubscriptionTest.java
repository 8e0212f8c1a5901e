package io.pushwire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.Subscribed;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dedupe by (channel, epoch, seq): the application never sees a duplicate or an out-of-order event. */
class ChannelSubscriptionTest {
    private static final String CH = "sim.trades.BTC-USDT";
    private final List<String> delivered = new ArrayList<>();
    private final ChannelSubscription subscription = new ChannelSubscription(CH, e -> delivered.add(e.epoch() + ":" + e.seq()));

    private static Event event(String epoch, long seq) {
        return new Event(CH, seq, epoch, 0, JsonNodeFactory.instance.nullNode());
    }

    private void offer(String epoch, long... seqs) {
        for (long seq : seqs) {
            Event event = event(epoch, seq);
            if (subscription.offer(event) == ChannelSubscription.Offer.DELIVER) {
                subscription.handler().onEvent(event);
            }
        }
    }

    @Test
    void aFreshSubscriptionIsPositionedAtTheHeadAndTakesWhatTheServerSendsFirst() {
        assertNull(subscription.position());
        subscription.onSubscribed(new Subscribed(1L, CH, "E1", 41, false, 0));
        assertEquals(new Position(41, "E1"), subscription.position()); // a since after a drop resumes here
        offer("E1", 42, 43, 42);
        assertEquals(List.of("E1:42", "E1:43"), delivered);
    }

    @Test
    void heldEventsAtOrBelowTheHeadOfAFreshSubscriptionAreDelivered() {
        // $me without since: everything it still holds, then live; a snapshot: the latest event.
        subscription.onSubscribed(new Subscribed(1L, "$me", "M1", 5, false, 0));
        assertEquals(new Gap("$me", 1, 2, GapReason.HISTORY_EXPIRED),
                subscription.onGap(new Gap("$me", 1, 2, GapReason.HISTORY_EXPIRED)));
        offer("M1", 3, 4, 5, 4, 6);
        assertEquals(List.of("M1:3", "M1:4", "M1:5", "M1:6"), delivered);
    }

    @Test
    void aHeadBehindThePositionInTheSameEpochBecomesThePosition() {
        subscription.onSubscribed(new Subscribed(1L, CH, "E1", 0, false, 0));
        offer("E1", 1, 2, 3, 4, 5);
        // Resume with position 5 refused (bad_request): the server restores the channel from its head 2.
        subscription.onSubscribed(new Subscribed(null, CH, "E1", 2, false, 0));
        assertEquals(new Position(2, "E1"), subscription.position());
        offer("E1", 3, 4);
        assertEquals(List.of("E1:1", "E1:2", "E1:3", "E1:4", "E1:5", "E1:3", "E1:4"), delivered);
    }

    @Test
    void overlappingReplayIsDeliveredOnceAndInOrder() {
        subscription.onSubscribed(new Subscribed(1L, CH, "E1", 0, false, 0));
        offer("E1", 1, 2, 3);
        subscription.onSubscribed(new Subscribed(null, CH, "E1", 5, true, 3)); // resume from position 3
        offer("E1", 2, 3, 4, 5, 3, 6);
        assertEquals(List.of("E1:1", "E1:2", "E1:3", "E1:4", "E1:5", "E1:6"), delivered);
        assertEquals(new Position(6, "E1"), subscription.position());
    }

    @Test
    void aNewEpochRestartsNumberingAndTheOldEpochNeverComesBack() {
        subscription.onSubscribed(new Subscribed(1L, CH, "E1", 0, false, 0));
        offer("E1", 1, 2, 3);
        subscription.onSubscribed(new Subscribed(null, CH, "E2", 4, false, 2));
        assertEquals(new Gap(CH, 1, 2, GapReason.EPOCH_CHANGED),
                subscription.onGap(new Gap(CH, 1, 2, GapReason.EPOCH_CHANGED)));
        offer("E2", 3, 4, 3);
        offer("E1", 4); // a straggler of the replaced history
        offer("E2", 5);
        assertEquals(List.of("E1:1", "E1:2", "E1:3", "E2:3", "E2:4", "E2:5"), delivered);
    }

    @Test
    void anEpochChangeSeenOnlyInEventsIsFollowedToo() {
        subscription.onSubscribed(new Subscribed(1L, CH, "E1", 0, false, 0));
        offer("E1", 1, 2);
        offer("E2", 1, 2);
        offer("E1", 3);
        assertEquals(List.of("E1:1", "E1:2", "E2:1", "E2:2"), delivered);
    }

    @Test
    void gapsMoveThePositionAndAreReportedOnlyForWhatWasNotSeen() {
        subscription.onSubscribed(new Subscribed(1L, CH, "E1", 0, false, 0));
        offer("E1", 1, 2);
        Gap gap = new Gap(CH, 3, 5, GapReason.HISTORY_EXPIRED);
        assertEquals(gap, subscription.onGap(gap));
        assertNull(subscription.onGap(gap), "announced twice (replay after a reconnect): reported once");
        assertEquals(new Gap(CH, 6, 7, GapReason.DROPPED_SLOW_CONSUMER),
                subscription.onGap(new Gap(CH, 4, 7, GapReason.DROPPED_SLOW_CONSUMER)));
        offer("E1", 5, 7, 8);
        assertEquals(List.of("E1:1", "E1:2", "E1:8"), delivered);
        assertEquals(new Position(8, "E1"), subscription.position());
    }

    @Test
    void aReplacingHandlerKeepsThePosition() {
        subscription.onSubscribed(new Subscribed(1L, CH, "E1", 10, false, 0));
        offer("E1", 11);
        List<String> second = new ArrayList<>();
        ChannelSubscription replacement = new ChannelSubscription(subscription, e -> second.add("" + e.seq()));
        assertEquals(new Position(11, "E1"), replacement.position());
        assertEquals(ChannelSubscription.Offer.DUPLICATE, replacement.offer(event("E1", 11)));
        assertEquals(ChannelSubscription.Offer.DELIVER, replacement.offer(event("E1", 12)));
    }

    @Test
    void forgettingThePositionStartsAgainAtTheNextHead() {
        subscription.onSubscribed(new Subscribed(1L, CH, "E1", 10, false, 0));
        subscription.forgetPosition();
        assertNull(subscription.position());
        subscription.onSubscribed(new Subscribed(2L, CH, "E1", 3, false, 0));
        offer("E1", 4);
        assertEquals(List.of("E1:4"), delivered);
    }
}
