package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.Status;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.Subscribed;
import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.broker.HistorySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * One channel's stream as subscribers see it, through the hub's fan-out and the embedded broker: seq and
 * epoch, the subscribe reply and its seam with live events, replay from history, gaps and status.
 */
class ChannelTest {
    private static final long TS = 1_700_000_000_000L;

    private final FrameCodec codec = new FrameCodec();
    private final ManualTime time = new ManualTime(TS);
    /** History holds the last 5 events: enough to test both replay and what falls out of it. */
    private final Hub hub = TestHubs.memory(time, new ServerCounters(), new HistorySettings(5, 60_000),
            ChannelRules.defaults(), 1_000);
    private final String epoch = hub.epoch(ChannelKey.of("news.a"));

    private RecordingSubscriber subscribed(Subscribe request) {
        RecordingSubscriber subscriber = new RecordingSubscriber();
        TestHubs.join(hub, subscriber, request);
        return subscriber;
    }

    private void publish(int count) {
        for (int i = 0; i < count; i++) {
            hub.publish("news.a", IntNode.valueOf(i));
        }
    }

    private ChannelRoute route(String channel) {
        return hub.route(channel).orElseThrow();
    }

    private int subscriberCount(String channel) {
        return hub.subscriberCount(ChannelKey.of(channel));
    }

    private static Subscribe since(long id, long seq, String epoch) {
        return new Subscribe(id, "news.a", new Position(seq, epoch), null, null, null);
    }

    @Test
    void seqStartsAtOneAndGrowsByOnePerEvent() {
        RecordingSubscriber subscriber = subscribed(Subscribe.of(1, "news.a"));
        assertEquals(0, hub.head("news.a"));

        publish(3);

        List<Event> events = events(subscriber);
        assertEquals(List.of(1L, 2L, 3L), events.stream().map(Event::seq).toList());
        events.forEach(event -> assertEquals(epoch, event.epoch()));
        events.forEach(event -> assertEquals(TS, event.ts()));
        assertEquals(3, hub.head("news.a"));
    }

    @Test
    void eachEventIsEncodedOnceAndTheSameStringGoesToEverySubscriber() {
        RecordingSubscriber a = subscribed(Subscribe.of(1, "news.a"));
        RecordingSubscriber b = subscribed(Subscribe.of(2, "news.a"));
        RecordingSubscriber c = subscribed(Subscribe.of(3, "news.a"));

        Published published = hub.publish("news.a", IntNode.valueOf(7));

        assertEquals(3, published.subscribers());
        String event = last(a);
        // Same instance, not just equal text: the fan-out must not re-encode per subscriber.
        assertSame(event, last(b));
        assertSame(event, last(c));
        assertInstanceOf(Event.class, codec.decodeOne(event));
    }

    @Test
    void subscribedReplyCarriesTheHeadAndComesBeforeTheFirstLiveEvent() {
        publish(5);
        RecordingSubscriber subscriber = subscribed(Subscribe.of(9, "news.a"));
        publish(1);

        List<Frame> frames = subscriber.frames();
        assertEquals(2, frames.size(), frames.toString());
        Subscribed reply = assertInstanceOf(Subscribed.class, frames.get(0));
        assertEquals(new Subscribed(9L, "news.a", epoch, 5, false, 0), reply);
        assertEquals(6, assertInstanceOf(Event.class, frames.get(1)).seq());
    }

    @Test
    void subscribingTwiceRepliesTwiceButDoesNotDoubleEvents() {
        RecordingSubscriber subscriber = new RecordingSubscriber();
        TestHubs.join(hub, subscriber, Subscribe.of(1, "news.a"));
        TestHubs.join(hub, subscriber, Subscribe.of(2, "news.a"));

        publish(1);

        assertEquals(1, subscriberCount("news.a"));
        assertEquals(2, subscriber.frames().stream().filter(Subscribed.class::isInstance).count());
        assertEquals(1, events(subscriber).size());
    }

    @Test
    void unsubscribeStopsDelivery() {
        RecordingSubscriber leaving = subscribed(Subscribe.of(1, "news.a"));
        RecordingSubscriber staying = subscribed(Subscribe.of(2, "news.a"));
        publish(1);

        assertTrue(hub.leave(route("news.a"), leaving));
        assertFalse(hub.leave(route("news.a"), leaving), "a second unsubscribe finds nothing");
        publish(2);

        assertEquals(List.of(1L), events(leaving).stream().map(Event::seq).toList());
        assertEquals(List.of(1L, 2L, 3L), events(staying).stream().map(Event::seq).toList());
        assertEquals(1, subscriberCount("news.a"));
    }

    /**
     * A publish hands each entry to the deliveries it found when it started; one that left meanwhile must
     * get nothing more, or an event could follow its {@code unsubscribed} reply. The first subscriber
     * holds the publish inside its offer while the second leaves.
     */
    @Test
    void aSubscriberThatLeftIsOfferedNothingMoreEvenByAPublishAlreadyUnderWay() throws Exception {
        CountDownLatch publishing = new CountDownLatch(1);
        CountDownLatch left = new CountDownLatch(1);
        Subscriber holding = new Subscriber() {
            @Override
            public void offerFrame(String encodedFrame, long accountedSeq) {
            }

            @Override
            public void offerEvent(long seq, String encodedEvent) {
                publishing.countDown();
                try {
                    left.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        TestHubs.join(hub, holding, Subscribe.of(1, "news.a"));
        RecordingSubscriber leaving = subscribed(Subscribe.of(2, "news.a"));
        Thread publisher = Thread.ofPlatform().start(() -> publish(1));

        assertTrue(publishing.await(5, TimeUnit.SECONDS), "the publish reached the first subscriber");
        assertTrue(hub.leave(route("news.a"), leaving));
        left.countDown();
        publisher.join(5_000);

        assertEquals(List.of(), events(leaving), "an event after the subscriber left");
    }

    @Test
    void snapshotDeliversTheLatestEventRightAfterTheReply() {
        RecordingSubscriber early = subscribed(Subscribe.of(1, "news.a"));
        publish(3);

        RecordingSubscriber late = subscribed(new Subscribe(2L, "news.a", null, null, null, true));

        List<String> offered = late.offered();
        assertEquals(2, offered.size(), offered.toString());
        assertEquals(3, assertInstanceOf(Subscribed.class, codec.decodeOne(offered.get(0))).seq());
        // The snapshot is the very event already sent live, not a re-encoding.
        assertSame(last(early), offered.get(1));
        assertEquals(3, assertInstanceOf(Event.class, codec.decodeOne(offered.get(1))).seq());
    }

    @Test
    void snapshotOnAnEmptyChannelSendsOnlyTheReply() {
        RecordingSubscriber subscriber = subscribed(new Subscribe(1L, "news.a", null, null, null, true));

        assertEquals(1, subscriber.offered().size());
    }

    @Test
    void sinceAtTheHeadInTheSameEpochIsRecoveredWithNoGap() {
        publish(4);

        RecordingSubscriber subscriber = subscribed(since(3, 4, epoch));
        publish(1);

        List<Frame> frames = subscriber.frames();
        assertEquals(new Subscribed(3L, "news.a", epoch, 4, true, 0), frames.get(0));
        assertEquals(2, frames.size(), "no gap between reply and live event: " + frames);
        assertEquals(5, assertInstanceOf(Event.class, frames.get(1)).seq());
    }

    @Test
    void sinceWithinHistoryIsReplayedAndRecovered() {
        publish(10);

        RecordingSubscriber subscriber = subscribed(since(3, 6, epoch));
        publish(1);

        List<Frame> frames = subscriber.frames();
        assertEquals(new Subscribed(3L, "news.a", epoch, 10, true, 4), frames.get(0));
        assertEquals(List.of(7L, 8L, 9L, 10L, 11L), seqsOf(frames.subList(1, frames.size())),
                "replay, then live, with no seam: " + frames);
    }

    @Test
    void sinceOlderThanHistoryIsAGapForTheMissingPartThenTheReplay() {
        publish(10); // history holds 6..10

        RecordingSubscriber subscriber = subscribed(since(3, 2, epoch));

        List<Frame> frames = subscriber.frames();
        assertEquals(new Subscribed(3L, "news.a", epoch, 10, false, 5), frames.get(0));
        assertEquals(new Gap("news.a", 3, 5, GapReason.HISTORY_EXPIRED), frames.get(1));
        assertEquals(List.of(6L, 7L, 8L, 9L, 10L), seqsOf(frames.subList(2, frames.size())));
    }

    @Test
    void sinceInAnotherEpochIsAnnouncedAsEpochChangedThenHistoryIsReplayed() {
        publish(2);

        RecordingSubscriber subscriber = subscribed(since(3, 50, "OLDEPOCH00"));

        List<Frame> frames = subscriber.frames();
        assertEquals(new Subscribed(3L, "news.a", epoch, 2, false, 2), frames.get(0));
        assertEquals(new Gap("news.a", 1, 0, GapReason.EPOCH_CHANGED), frames.get(1), "nothing of this epoch is missed");
        assertEquals(List.of(1L, 2L), seqsOf(frames.subList(2, frames.size())));
    }

    @Test
    void sinceInAnotherEpochWhenHistoryLostTheStartCoversTheLostPart() {
        publish(8); // history holds 4..8

        List<Frame> frames = subscribed(since(3, 50, "OLDEPOCH00")).frames();

        assertEquals(new Gap("news.a", 1, 3, GapReason.EPOCH_CHANGED), frames.get(1));
        assertEquals(List.of(4L, 5L, 6L, 7L, 8L), seqsOf(frames.subList(2, frames.size())));
    }

    @Test
    void expiredHistoryIsNotReplayed() {
        Hub aging = TestHubs.memory(time, new ServerCounters(), new HistorySettings(100, 1_000),
                ChannelRules.defaults(), 1_000);
        aging.publish("news.b", IntNode.valueOf(1));
        aging.publish("news.b", IntNode.valueOf(2));
        String agingEpoch = aging.epoch(ChannelKey.of("news.b"));
        time.advance(5_000);
        RecordingSubscriber subscriber = new RecordingSubscriber();

        TestHubs.join(aging, subscriber, new Subscribe(3L, "news.b", new Position(0, agingEpoch), null, null, null));

        List<Frame> frames = subscriber.frames();
        assertEquals(new Subscribed(3L, "news.b", agingEpoch, 2, false, 0), frames.get(0));
        assertEquals(new Gap("news.b", 1, 2, GapReason.HISTORY_EXPIRED), frames.get(1));
        assertEquals(2, frames.size());
    }

    /**
     * The replay seam: subscribers resume with {@code since} (a few events back, so some fall inside and
     * some outside the 5-event history) while four threads publish. Each subscriber's gap ranges plus
     * the seqs it receives must cover since+1 .. final head exactly once, in order.
     */
    @Test
    void concurrentPublishWhileResumingCoversEverySeqExactlyOnce() throws Exception {
        String raceEpoch = hub.epoch(ChannelKey.of("race"));
        int joiners = 60;
        // A few events back: some positions fall inside the 5-event history, some outside.
        List<Joined> joined = joinWhilePublishing("race", joiners,
                s -> since(s, Math.max(0, hub.head("race") - (s % 9)), raceEpoch));
        List<RecordingSubscriber> subscribers = joined.stream().map(Joined::subscriber).toList();
        List<Long> positions = joined.stream().map(j -> j.request().since().seq()).toList();

        assertEquals(total, hub.head("race"));
        for (int s = 0; s < joiners; s++) {
            List<Frame> frames = subscribers.get(s).frames();
            long expected = positions.get(s) + 1;
            assertInstanceOf(Subscribed.class, frames.get(0));
            for (Frame frame : frames.subList(1, frames.size())) {
                if (frame instanceof Gap gap) {
                    assertEquals(expected, gap.fromSeq(), "gap must start where the client is");
                    expected = gap.toSeq() + 1;
                } else {
                    assertEquals(expected, assertInstanceOf(Event.class, frame).seq(), "subscriber " + s);
                    expected++;
                }
            }
            assertEquals(total + 1, expected, "subscriber " + s + " must reach the final head");
        }
    }

    private static final int PUBLISHERS = 4;
    private static final int PER_PUBLISHER = 1_000;
    private final int total = PUBLISHERS * PER_PUBLISHER;

    /** A subscriber that joined a race, with the request it joined with. */
    private record Joined(Subscribe request, RecordingSubscriber subscriber) {
    }

    /**
     * Four threads publish {@link #PER_PUBLISHER} events each while one thread subscribes {@code joiners}
     * times, spread evenly over the run; {@code request} builds each subscribe at the moment it joins.
     */
    private List<Joined> joinWhilePublishing(String race, int joiners, IntFunction<Subscribe> request)
            throws Exception {
        List<Joined> joined = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS + 1);
        List<Future<?>> tasks = new ArrayList<>();
        try {
            for (int p = 0; p < PUBLISHERS; p++) {
                tasks.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < PER_PUBLISHER; i++) {
                        hub.publish(race, IntNode.valueOf(i));
                    }
                    return null;
                }));
            }
            tasks.add(pool.submit(() -> {
                start.await();
                for (int s = 0; s < joiners; s++) {
                    // Spread the joins over the whole run; the head only grows, so this ends.
                    long threshold = (long) s * total / joiners;
                    while (hub.head(race) < threshold) {
                        Thread.onSpinWait();
                    }
                    Subscribe subscribe = request.apply(s);
                    RecordingSubscriber subscriber = new RecordingSubscriber();
                    joined.add(new Joined(subscribe, subscriber));
                    hub.join(route(race), subscriber, subscribe, null);
                }
                return null;
            }));
            start.countDown();
            for (Future<?> task : tasks) {
                task.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return joined;
    }

    private static List<Long> seqsOf(List<Frame> frames) {
        return frames.stream().map(frame -> assertInstanceOf(Event.class, frame).seq()).toList();
    }

    @Test
    void sinceAheadOfTheHeadIsABadRequestAndDoesNotSubscribe() {
        publish(2);
        RecordingSubscriber subscriber = new RecordingSubscriber();

        ProtocolException e = assertThrows(ProtocolException.class,
                () -> TestHubs.join(hub, subscriber, since(11, 3, epoch)));

        assertEquals(ErrorCode.BAD_REQUEST, e.errorCode());
        assertEquals(11L, e.requestId());
        assertEquals(0, subscriberCount("news.a"));
        assertTrue(subscriber.offered().isEmpty());
    }

    /**
     * The seam race: publishers on several threads while subscribers join. Each subscriber must see its
     * reply with head H, then exactly H+1, H+2, ... up to the final head: no gap, no duplicate, no reorder.
     */
    @Test
    void concurrentPublishWhileSubscribingGivesEverySubscriberAGapFreeRunAfterItsHead() throws Exception {
        int joiners = 40;
        List<Joined> joined = joinWhilePublishing("race", joiners, s -> Subscribe.of(s, "race"));
        List<RecordingSubscriber> subscribers = joined.stream().map(Joined::subscriber).toList();

        assertEquals(total, hub.head("race"));
        assertEquals(joiners, subscribers.size());
        for (RecordingSubscriber subscriber : subscribers) {
            List<Frame> frames = subscriber.frames();
            long head = assertInstanceOf(Subscribed.class, frames.get(0)).seq();
            assertEquals(total - head, frames.size() - 1, "events after head " + head);
            for (int i = 1; i < frames.size(); i++) {
                Event event = assertInstanceOf(Event.class, frames.get(i), "frame " + i + " after head " + head);
                assertEquals(head + i, event.seq(), "subscriber with head " + head);
            }
        }
    }

    @Test
    void anUpstreamGapTakesOneSeqInTheLiveStreamAndAccountsForIt() {
        RecordingSubscriber subscriber = subscribed(Subscribe.of(1, "news.a"));
        publish(2);

        Published marker = hub.announceUpstreamGap("news.a");
        publish(1);

        assertEquals(3, marker.seq());
        List<Frame> frames = subscriber.frames();
        assertEquals(new Gap("news.a", 3, 3, GapReason.UPSTREAM), frames.get(3));
        assertEquals(4, assertInstanceOf(Event.class, frames.get(4)).seq());
        assertEquals(List.of(0L, 3L), subscriber.accounted(), "the reply accounts for head 0, the gap for seq 3");
    }

    @Test
    void aReplayFromHistoryOffersTheUpstreamGapAsAFrameInItsPlace() {
        publish(1);
        hub.announceUpstreamGap("news.a");
        publish(1);

        RecordingSubscriber resumed = subscribed(since(7, 0, epoch));

        List<Frame> frames = resumed.frames();
        assertEquals(4, frames.size(), frames.toString());
        assertEquals(1, assertInstanceOf(Event.class, frames.get(1)).seq());
        assertEquals(new Gap("news.a", 2, 2, GapReason.UPSTREAM), frames.get(2));
        assertEquals(3, assertInstanceOf(Event.class, frames.get(3)).seq());
        assertEquals(List.of(0L, 2L), resumed.accounted());
    }

    @Test
    void staleChangesReachSubscribersOnceEachAndNeverTakeASeq() {
        RecordingSubscriber subscriber = subscribed(Subscribe.of(1, "news.a"));

        assertTrue(hub.markStale("news.a", true, "binance feed down"));
        assertFalse(hub.markStale("news.a", true, "binance feed down"), "no change, no frame");
        assertTrue(hub.markStale("news.a", true, "binance refused the subscription"), "a new reason is news");
        assertTrue(hub.broker().read(ChannelKey.of("news.a"), null).status().stale());
        assertTrue(hub.markStale("news.a", false, null));
        publish(1);

        List<Frame> frames = subscriber.frames();
        assertEquals(new Status("news.a", true, "binance feed down"), frames.get(1));
        assertEquals(new Status("news.a", true, "binance refused the subscription"), frames.get(2));
        assertEquals(new Status("news.a", false, null), frames.get(3));
        assertEquals(1, assertInstanceOf(Event.class, frames.get(4)).seq());
        assertEquals(1, hub.head("news.a"));
    }

    @Test
    void aNewOrResumingSubscriberOfAStaleChannelLearnsItAfterItsReplay() {
        publish(2);
        hub.markStale("news.a", true, "okx feed down");

        RecordingSubscriber fresh = subscribed(Subscribe.of(1, "news.a"));
        RecordingSubscriber resumed = subscribed(since(2, 1, epoch));

        assertEquals(new Status("news.a", true, "okx feed down"), last(fresh.frames()));
        assertEquals(new Status("news.a", true, "okx feed down"), last(resumed.frames()));
        assertEquals(2, assertInstanceOf(Event.class, resumed.frames().get(1)).seq(), "the replay comes first");
    }

    @Test
    void aSnapshotIsNeverTheGapMarker() {
        publish(1);
        hub.announceUpstreamGap("news.a");

        RecordingSubscriber subscriber = subscribed(new Subscribe(1L, "news.a", null, null, null, true));

        assertEquals(1, assertInstanceOf(Event.class, subscriber.frames().get(1)).seq());
    }

    private static Frame last(List<Frame> frames) {
        assertFalse(frames.isEmpty(), "nothing was offered");
        return frames.get(frames.size() - 1);
    }

    private List<Event> events(RecordingSubscriber subscriber) {
        return subscriber.frames().stream().filter(Event.class::isInstance).map(Event.class::cast).toList();
    }

    private static String last(RecordingSubscriber subscriber) {
        List<String> offered = subscriber.offered();
        assertFalse(offered.isEmpty(), "nothing was offered");
        return offered.get(offered.size() - 1);
    }
}
