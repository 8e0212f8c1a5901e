package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Pong;
import io.pushwire.protocol.Subscribed;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The queue's policies with a manual writer and a manual clock: priority lanes, conflated
 * subscriptions and their interval, and the slow-consumer order (conflate, drop low, then fail).
 */
class OutboundPolicyTest {
    private static final FrameCodec CODEC = new FrameCodec();

    private final FakeTransport transport = new FakeTransport();
    private final ServerCounters counters = new ServerCounters();
    private final List<Outbound.Failure> failures = new ArrayList<>();
    private final ManualExecutor writer = new ManualExecutor();
    private final ManualTime time = new ManualTime(1_000_000);

    private Outbound outbound(long maxQueueBytes) {
        return new Outbound(transport, writer, time, time, CODEC, new OutboundSettings(64, 1 << 20, maxQueueBytes),
                counters, failures::add);
    }

    /** The stream of one channel; records how far the writer got. */
    private final java.util.Map<String, Long> written = new java.util.HashMap<>();

    private ChannelStream stream(Lane lane, String channel, boolean conflatable) {
        return new ChannelStream() {
            @Override
            public String channelName() {
                return channel;
            }

            @Override
            public Lane lane() {
                return lane;
            }

            @Override
            public boolean conflatable() {
                return conflatable;
            }

            @Override
            public void written(long accountedSeq) {
                written.merge(channel, accountedSeq, Math::max);
            }
        };
    }

    private static String event(String channel, long seq) {
        return event(channel, seq, "");
    }

    private static String event(String channel, long seq, String padding) {
        return CODEC.encode(new Event(channel, seq, "EPOCH00001", 0, TextNode.valueOf(padding)));
    }

    /** Every frame written, in order, with batches unpacked. */
    private List<Frame> written() {
        List<Frame> frames = new ArrayList<>();
        transport.sent().forEach(message -> frames.addAll(CODEC.decode(message)));
        return frames;
    }

    private List<String> describe(List<Frame> frames) {
        return frames.stream().map(frame -> switch (frame) {
            case Event e -> e.channel() + "#" + e.seq();
            case Gap g -> "gap " + g.channel() + " " + g.fromSeq() + ".." + g.toSeq() + " " + g.reason();
            default -> FrameCodec.typeName(frame);
        }).toList();
    }

    @Test
    void lanesAreWrittenControlFirstThenHighNormalLow() {
        Outbound out = outbound(1 << 20);
        out.enqueueEvent(stream(Lane.LOW, "news.x", false), 1, event("news.x", 1));
        out.enqueueEvent(stream(Lane.NORMAL, "sim.ticker.A", true), 1, event("sim.ticker.A", 1));
        out.enqueueEvent(stream(Lane.HIGH, "sim.trades.A", false), 1, event("sim.trades.A", 1));
        out.enqueue(CODEC.encode(new Pong(7L)));
        out.enqueueEvent(stream(Lane.HIGH, "sim.trades.A", false), 2, event("sim.trades.A", 2));

        writer.runAll();

        assertEquals(List.of("pong", "sim.trades.A#1", "sim.trades.A#2", "sim.ticker.A#1", "news.x#1"),
                describe(written()));
        assertEquals(1, transport.sent().size(), "one batch");
    }

    @Test
    void aChannelsOwnRepliesKeepTheirPlaceAmongItsEvents() {
        Outbound out = outbound(1 << 20);
        out.enqueueEvent(stream(Lane.LOW, "news.x", false), 4, event("news.x", 4));
        out.enqueueChannelFrame(stream(Lane.LOW, "news.x", false), CODEC.encode(new Subscribed(2L, "news.x", "EPOCH00001", 4, false, 0)), 4);
        out.enqueueEvent(stream(Lane.LOW, "news.x", false), 5, event("news.x", 5));

        writer.runAll();

        assertEquals(List.of("news.x#4", "subscribed", "news.x#5"), describe(written()));
    }

    @Test
    void aConflatedSlotSendsOnlyTheNewestPendingEventAfterAGapForTheSkippedSeqs() {
        Outbound out = outbound(1 << 20);
        ConflationSlot slot = new ConflationSlot(stream(Lane.NORMAL, "sim.ticker.A", true), 0);
        out.accountedUpTo(slot, 10);

        for (long seq = 11; seq <= 14; seq++) {
            out.offerConflated(slot, seq, event("sim.ticker.A", seq));
        }
        writer.runAll();

        assertEquals(List.of("gap sim.ticker.A 11..13 conflated", "sim.ticker.A#14"), describe(written()));
        assertEquals(3L, counters.snapshot().get("eventsConflated"));
        assertEquals(1L, counters.snapshot().get("gapsAnnounced"));
        assertEquals(0, out.queuedBytes(), "the replaced events left the budget");
    }

    @Test
    void aConflatedSlotWithoutSkippedSeqsSendsNoGap() {
        Outbound out = outbound(1 << 20);
        ConflationSlot slot = new ConflationSlot(stream(Lane.NORMAL, "sim.ticker.A", true), 0);
        out.accountedUpTo(slot, 3);

        out.offerConflated(slot, 4, event("sim.ticker.A", 4));
        writer.runAll();
        out.offerConflated(slot, 5, event("sim.ticker.A", 5));
        writer.runAll();

        assertEquals(List.of("sim.ticker.A#4", "sim.ticker.A#5"), describe(written()));
    }

    @Test
    void anIntervalLetsAtMostOneEventOutPerInterval() {
        Outbound out = outbound(1 << 20);
        ConflationSlot slot = new ConflationSlot(stream(Lane.NORMAL, "sim.ticker.A", true), 100);

        out.offerConflated(slot, 1, event("sim.ticker.A", 1));
        writer.runAll();
        time.advance(10);
        out.offerConflated(slot, 2, event("sim.ticker.A", 2));
        out.offerConflated(slot, 3, event("sim.ticker.A", 3));
        writer.runAll();
        assertEquals(List.of("sim.ticker.A#1"), describe(written()), "the interval is not over");

        time.advance(89);
        writer.runAll();
        assertEquals(1, written().size(), "99 ms after the first event");
        time.advance(1);
        writer.runAll();
        assertEquals(List.of("sim.ticker.A#1", "gap sim.ticker.A 2..2 conflated", "sim.ticker.A#3"),
                describe(written()));

        time.advance(150);
        out.offerConflated(slot, 4, event("sim.ticker.A", 4));
        writer.runAll();
        assertEquals("sim.ticker.A#4", describe(written()).get(3), "after a quiet interval the next goes at once");
        assertEquals(0, time.pendingTasks());
    }

    @Test
    void aCancelledSlotDropsItsPendingEvent() {
        Outbound out = outbound(1 << 20);
        ConflationSlot slot = new ConflationSlot(stream(Lane.NORMAL, "sim.ticker.A", true), 100);
        out.offerConflated(slot, 1, event("sim.ticker.A", 1));
        writer.runAll();
        out.offerConflated(slot, 2, event("sim.ticker.A", 2));

        out.cancel(slot);
        time.advance(500);
        writer.runAll();

        assertEquals(List.of("sim.ticker.A#1"), describe(written()));
        assertEquals(0, out.queuedBytes());
    }

    @Test
    void overBudgetConflatableEventsCollapseFirstAndNothingElseIsLost() {
        String pad = "p".repeat(100);
        int size = event("sim.ticker.A", 1, pad).length();
        Outbound out = outbound(size * 6L);
        out.enqueueEvent(stream(Lane.HIGH, "sim.trades.A", false), 1, event("sim.trades.A", 1, pad));
        for (long seq = 1; seq <= 4; seq++) {
            out.enqueueEvent(stream(Lane.NORMAL, "sim.ticker.A", true), seq, event("sim.ticker.A", seq, pad));
        }
        out.enqueueEvent(stream(Lane.LOW, "news.x", false), 1, event("news.x", 1, pad));

        out.enqueueEvent(stream(Lane.HIGH, "sim.trades.A", false), 2, event("sim.trades.A", 2, pad));
        writer.runAll();

        assertEquals(List.of("sim.trades.A#1", "sim.trades.A#2", "gap sim.ticker.A 1..3 conflated", "sim.ticker.A#4",
                "news.x#1"), describe(written()));
        assertEquals(List.of(), failures);
        assertEquals(3L, counters.snapshot().get("eventsConflated"));
        assertEquals(0L, counters.snapshot().get("eventsDropped"));
    }

    @Test
    void whenConflationIsNotEnoughLowPriorityEventsAreDroppedWithOneGapPerRun() {
        String pad = "p".repeat(100);
        int size = event("app.orders", 1, pad).length();
        Outbound out = outbound(size * 5L);
        out.enqueueEvent(stream(Lane.LOW, "news.x", false), 1, event("news.x", 1, pad));
        out.enqueueEvent(stream(Lane.LOW, "news.y", false), 7, event("news.y", 7, pad));
        out.enqueueEvent(stream(Lane.LOW, "news.x", false), 2, event("news.x", 2, pad));
        out.enqueueEvent(stream(Lane.NORMAL, "app.orders", false), 1, event("app.orders", 1, pad));
        out.enqueueEvent(stream(Lane.NORMAL, "app.orders", false), 2, event("app.orders", 2, pad));

        out.enqueueEvent(stream(Lane.HIGH, "sim.trades.A", false), 1, event("sim.trades.A", 1, pad));
        out.enqueueEvent(stream(Lane.LOW, "news.x", false), 3, event("news.x", 3, pad));
        writer.runAll();

        assertEquals(List.of("sim.trades.A#1", "app.orders#1", "app.orders#2", "gap news.x 1..2 dropped_slow_consumer",
                "gap news.y 7..7 dropped_slow_consumer", "news.x#3"), describe(written()));
        assertEquals(List.of(), failures);
        assertEquals(3L, counters.snapshot().get("eventsDropped"));
    }

    @Test
    void aFrameOfTheSameChannelEndsARunSoTheGapNeverJumpsOverIt() {
        String pad = "p".repeat(100);
        int size = event("news.x", 1, pad).length();
        Outbound out = outbound(size * 4L);
        out.enqueueEvent(stream(Lane.LOW, "news.x", false), 1, event("news.x", 1, pad));
        out.enqueueChannelFrame(stream(Lane.LOW, "news.x", false), CODEC.encode(new Gap("news.x", 2, 5, GapReason.HISTORY_EXPIRED)), 5);
        out.enqueueEvent(stream(Lane.LOW, "news.x", false), 6, event("news.x", 6, pad));

        out.enqueueEvent(stream(Lane.HIGH, "sim.trades.A", false), 1, event("sim.trades.A", 1, pad));
        out.enqueueEvent(stream(Lane.HIGH, "sim.trades.A", false), 2, event("sim.trades.A", 2, pad));
        writer.runAll();

        assertEquals(List.of("sim.trades.A#1", "sim.trades.A#2", "gap news.x 1..1 dropped_slow_consumer",
                "gap news.x 2..5 history_expired", "gap news.x 6..6 dropped_slow_consumer"), describe(written()));
    }

    @Test
    void whenNothingCanBeShedTheQueueFailsWithOverflow() {
        String pad = "p".repeat(100);
        int size = event("sim.trades.A", 1, pad).length();
        Outbound out = outbound(size * 3L);
        for (long seq = 1; seq <= 3; seq++) {
            out.enqueueEvent(stream(Lane.HIGH, "sim.trades.A", false), seq, event("sim.trades.A", seq, pad));
        }
        assertEquals(List.of(), failures);

        out.enqueueEvent(stream(Lane.HIGH, "sim.trades.A", false), 4, event("sim.trades.A", 4, pad));

        assertEquals(List.of(Outbound.Failure.OVERFLOW), failures);
        writer.runAll();
        assertTrue(transport.sent().isEmpty());
    }

    @Test
    void everyWrittenCharacterLeavesTheBudget() {
        Outbound out = outbound(1 << 20);
        ConflationSlot slot = new ConflationSlot(stream(Lane.NORMAL, "sim.ticker.A", true), 0);
        out.enqueue(CODEC.encode(new Pong(1L)));
        out.enqueueEvent(stream(Lane.HIGH, "sim.trades.A", false), 1, event("sim.trades.A", 1));
        out.offerConflated(slot, 5, event("sim.ticker.A", 5));
        assertTrue(out.queuedBytes() > 0);

        writer.runAll();

        assertEquals(0, out.queuedBytes());
        assertEquals(0, out.queuedFrames());
        assertInstanceOf(Gap.class, written().get(2), "seqs 1..4 of the slot were never seen");
    }
}
