package io.pushwire.server.broker;

import static io.pushwire.server.broker.RecordingListener.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Broker} promises, written against the interface: the embedded one runs it
 * ({@link MemoryBrokerTest}), and so must any other (Redis), unchanged. Entries may reach the listener on
 * another thread, so deliveries are awaited; time is a {@link ManualClock} the broker is given.
 */
public abstract class BrokerContract {
    protected static final long START_MS = 1_700_000_000_000L;
    /** History of public channels in this suite: small enough to overflow, TTL long enough not to. */
    protected static final HistorySettings CHANNELS = new HistorySettings(5, 60_000);
    /** History of {@code $me} streams: smaller, to tell the two apart. */
    protected static final HistorySettings INBOXES = new HistorySettings(2, 60_000);

    private final FrameCodec codec = new FrameCodec();
    protected final ManualClock clock = new ManualClock(START_MS);
    protected final RecordingListener listener = new RecordingListener();
    protected Broker broker;
    private final ChannelKey news = ChannelKey.of("news.a");

    /**
     * A new, empty broker, not started, with these history limits. It takes the time it needs (history
     * TTL, idleness) from {@code clock}, as publishers stamp entries with it, not from a clock of its own.
     */
    protected abstract Broker newBroker(ManualClock clock, HistorySettings channels, HistorySettings inboxes);

    @BeforeEach
    void startBroker() {
        broker = newBroker(clock, CHANNELS, INBOXES);
        broker.start(listener);
    }

    @AfterEach
    void closeBroker() {
        broker.close();
    }

    private List<Publication> publish(ChannelKey channel, int count) {
        List<Publication> published = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            published.add(broker.publish(channel, IntNode.valueOf(i), clock.millis()));
        }
        return published;
    }

    private static List<Long> seqs(List<Publication> publications) {
        return publications.stream().map(Publication::seq).toList();
    }

    @Test
    void entriesAreNumberedFromOneInOneEpochAndEncodedOnceAsEvents() {
        List<Publication> published = publish(news, 3);

        assertEquals(List.of(1L, 2L, 3L), seqs(published));
        String epoch = published.get(0).epoch();
        published.forEach(p -> assertEquals(epoch, p.epoch()));
        Event event = assertInstanceOf(Event.class, codec.decodeOne(published.get(2).encoded()));
        assertEquals(new Event("news.a", 3, epoch, START_MS, IntNode.valueOf(2)), event);
        StreamRead read = broker.read(news, null);
        assertEquals(epoch, read.epoch());
        assertEquals(3, read.head());
        assertTrue(read.entries().isEmpty(), "no position, no entries");
    }

    @Test
    void eachChannelHasItsOwnEpochAndSeq() {
        publish(news, 2);
        Publication other = broker.publish(ChannelKey.of("news.b"), TextNode.valueOf("x"), clock.millis());

        assertEquals(1, other.seq());
        assertNotEquals(broker.read(news, null).epoch(), other.epoch());
    }

    @Test
    void aChannelThatWasOnlyReadHasAnEpochAndHeadZeroThatItsFirstPublishKeeps() {
        StreamRead empty = broker.read(news, null);

        assertEquals(0, empty.head());
        assertEquals(1, empty.firstHeld(), "head + 1: nothing held");
        assertNull(empty.latest());
        assertEquals(empty.epoch(), broker.publish(news, TextNode.valueOf("x"), clock.millis()).epoch());
    }

    @Test
    void aSubscribedNodeIsHandedEveryEntryInSeqOrderAsPublished() {
        broker.subscribe(news);

        List<Publication> published = publish(news, 4);

        await(() -> listener.publications(news).size() == 4, "four entries");
        List<Publication> handed = listener.publications(news);
        assertEquals(seqs(published), seqs(handed));
        for (int i = 0; i < 4; i++) {
            assertEquals(published.get(i).encoded(), handed.get(i).encoded());
            assertEquals(published.get(i).epoch(), handed.get(i).epoch());
        }
    }

    @Test
    void aNodeHearsNothingOfChannelsItDoesNotSubscribe() {
        ChannelKey heard = ChannelKey.of("news.heard");
        broker.subscribe(heard);
        broker.subscribe(news);
        broker.unsubscribe(news);

        publish(news, 2);
        broker.publish(heard, TextNode.valueOf("x"), clock.millis());

        await(() -> listener.publications(heard).size() == 1, "the subscribed channel's entry");
        RecordingListener.settle();
        assertTrue(listener.publications(news).isEmpty(), "unsubscribed: " + listener.publications(news));
    }

    @Test
    void subscribingIsCountedSoTheLastUnsubscribeEndsIt() {
        broker.subscribe(news);
        broker.subscribe(news);
        broker.unsubscribe(news);

        publish(news, 1);

        await(() -> listener.publications(news).size() == 1, "still subscribed once");
    }

    @Test
    void concurrentPublishersGetContiguousSeqsHandedOnInOrder() throws Exception {
        broker.subscribe(news);
        int publishers = 4;
        int each = 250;
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int p = 0; p < publishers; p++) {
                running.add(pool.submit(() -> {
                    start.await();
                    publish(news, each);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> task : running) {
                task.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        int total = publishers * each;
        await(() -> listener.publications(news).size() == total, total + " entries");
        assertEquals(LongStream.rangeClosed(1, total).boxed().toList(), seqs(listener.publications(news)));
    }

    @Test
    void readingSinceAPositionInTheEpochReturnsWhatFollowsIt() {
        String epoch = publish(news, 4).get(0).epoch();

        StreamRead read = broker.read(news, new Position(2, epoch));

        assertEquals(List.of(3L, 4L), seqs(read.entries()));
        assertEquals(1, read.firstHeld());
        assertEquals(4, read.head());
        read.entries().forEach(entry -> assertTrue(entry.event()));
    }

    @Test
    void readingSinceAPositionOfAnotherEpochReturnsEverythingHeld() {
        publish(news, 3);

        StreamRead read = broker.read(news, new Position(40, "OTHEREPOCH"));

        assertEquals(List.of(1L, 2L, 3L), seqs(read.entries()));
    }

    @Test
    void historyKeepsTheNewestEntriesUpToItsSize() {
        String epoch = publish(news, 8).get(0).epoch();

        StreamRead read = broker.read(news, new Position(0, epoch));

        assertEquals(List.of(4L, 5L, 6L, 7L, 8L), seqs(read.entries()));
        assertEquals(4, read.firstHeld());
        assertEquals(5, read.held());
    }

    @Test
    void entriesOlderThanTheHistoryTtlAreNotReturned() {
        String epoch = publish(news, 2).get(0).epoch();
        clock.advance(CHANNELS.ttlMs() / 2);
        publish(news, 1);
        clock.advance(CHANNELS.ttlMs() / 2 + 1);

        StreamRead read = broker.read(news, new Position(0, epoch));

        assertEquals(List.of(3L), seqs(read.entries()));
        assertEquals(3, read.firstHeld());
        assertEquals(3, read.head());
    }

    @Test
    void anUpstreamGapTakesOneSeqIsHandedOnAndIsKeptInHistory() {
        broker.subscribe(news);
        String epoch = publish(news, 1).get(0).epoch();

        Publication gap = broker.publishGap(news, GapReason.UPSTREAM, clock.millis());
        publish(news, 1);

        assertEquals(2, gap.seq());
        assertFalse(gap.event());
        assertEquals(new Gap("news.a", 2, 2, GapReason.UPSTREAM), codec.decodeOne(gap.encoded()));
        List<Publication> replay = broker.read(news, new Position(0, epoch)).entries();
        assertEquals(List.of(true, false, true), replay.stream().map(Publication::event).toList());
        assertEquals(gap.encoded(), replay.get(1).encoded());
        await(() -> listener.publications(news).size() == 3, "the gap handed on in its place");
        assertFalse(listener.publications(news).get(1).event());
    }

    @Test
    void theLatestEventIsNeverAGapAndOutlivesHistory() {
        Publication event = publish(news, 1).get(0);
        broker.publishGap(news, GapReason.UPSTREAM, clock.millis());
        clock.advance(CHANNELS.ttlMs() + 1);

        StreamRead read = broker.read(news, new Position(0, event.epoch()));

        assertTrue(read.entries().isEmpty(), "history expired");
        assertEquals(event.encoded(), read.latest());
    }

    @Test
    void aRepeatedIdempotencyKeyReturnsTheFirstSeqAndPublishesNothing() {
        broker.subscribe(news);
        Publication first = broker.publish(news, IntNode.valueOf(1), clock.millis(), "order-17");
        clock.advance(Broker.IDEMPOTENCY_WINDOW_MS);

        Publication repeat = broker.publish(news, IntNode.valueOf(1), clock.millis(), "order-17");
        Publication other = broker.publish(news, IntNode.valueOf(2), clock.millis(), "order-18");

        assertFalse(first.repeated());
        assertTrue(repeat.repeated());
        assertEquals(first.seq(), repeat.seq());
        assertEquals(first.epoch(), repeat.epoch());
        assertEquals(2, other.seq(), "the repeat took no seq");
        await(() -> listener.publications(news).size() == 2, "the two publishes");
        RecordingListener.settle();
        assertEquals(List.of(1L, 2L), seqs(listener.publications(news)), "the repeat was not handed on");
        assertEquals(2, broker.read(news, null).head());
    }

    @Test
    void anIdempotencyKeyIsForgottenAfterItsWindow() {
        broker.publish(news, IntNode.valueOf(1), clock.millis(), "order-17");
        clock.advance(Broker.IDEMPOTENCY_WINDOW_MS + 1);

        Publication again = broker.publish(news, IntNode.valueOf(1), clock.millis(), "order-17");

        assertFalse(again.repeated());
        assertEquals(2, again.seq());
    }

    @Test
    void idempotencyKeysBelongToOneChannel() {
        broker.publish(news, IntNode.valueOf(1), clock.millis(), "order-17");

        Publication elsewhere = broker.publish(ChannelKey.of("news.b"), IntNode.valueOf(1), clock.millis(), "order-17");

        assertFalse(elsewhere.repeated());
    }

    @Test
    void aFeedWriteWithAnOlderFencingTokenThanTheChannelTookIsRefused() {
        broker.publish(news, IntNode.valueOf(1), clock.millis(), null, 2);

        assertThrows(FencedException.class, () -> broker.publish(news, IntNode.valueOf(2), clock.millis(), null, 1));
        assertThrows(FencedException.class, () -> broker.publishGap(news, GapReason.UPSTREAM, clock.millis(), 1));
        assertThrows(FencedException.class, () -> broker.markStale(news, true, "old leader", 1));
        assertEquals(2, broker.publish(news, IntNode.valueOf(3), clock.millis()).seq(), "not a feed's write: no check");
        assertEquals(3, broker.publish(news, IntNode.valueOf(4), clock.millis(), null, 3).seq(), "a newer leader");
        assertThrows(FencedException.class, () -> broker.publish(news, IntNode.valueOf(5), clock.millis(), null, 2));
        assertEquals(3, broker.read(news, null).head(), "the refused writes took no seq");
        assertFalse(broker.read(news, null).status().stale(), "nor changed the status");
    }

    @Test
    void aLeaseIsHeldByOneNodeUntilReleasedAndTheNextHolderGetsANewerToken() {
        LeaseStore leases = broker.leases();
        Lease first = leases.tryAcquire("sim", "node-a", 60_000).orElseThrow();

        assertTrue(leases.tryAcquire("sim", "node-b", 60_000).isEmpty(), "held by node-a");
        assertEquals(Optional.of("node-a"), leases.holder("sim"));
        assertTrue(leases.renew(first, 60_000));
        assertTrue(leases.tryAcquire("binance", "node-b", 60_000).isPresent(), "another feed's lease is another lease");
        leases.release(first);

        assertTrue(leases.holder("sim").isEmpty());
        assertFalse(leases.renew(first, 60_000), "released: gone");
        Lease second = leases.tryAcquire("sim", "node-b", 60_000).orElseThrow();
        assertTrue(second.token() > first.token(), first + " then " + second);
        leases.release(first);
        assertEquals(Optional.of("node-b"), leases.holder("sim"), "releasing a lease no longer held changes nothing");
    }

    @Test
    void statusChangesAreNumberedAndOnlyChangesCount() {
        broker.subscribe(news);

        assertTrue(broker.markStale(news, true, "feed down"));
        assertFalse(broker.markStale(news, true, "feed down"), "no change");
        assertTrue(broker.markStale(news, true, "refused"), "a new reason while down is a change");
        assertTrue(broker.markStale(news, false, null));
        assertFalse(broker.markStale(news, false, "still up"), "up is up, whatever the reason");

        ChannelStatus status = broker.read(news, null).status();
        assertEquals(3, status.version());
        assertFalse(status.stale());
        await(() -> listener.statuses(news).size() == 3, "three changes");
        List<ChannelStatus> handed = listener.statuses(news);
        assertEquals(List.of(1L, 2L, 3L), handed.stream().map(ChannelStatus::version).toList());
        assertEquals(new Status("news.a", true, "feed down"), codec.decodeOne(handed.get(0).encoded()));
        assertEquals(new Status("news.a", true, "refused"), codec.decodeOne(handed.get(1).encoded()));
        assertEquals(new Status("news.a", false, null), codec.decodeOne(handed.get(2).encoded()));
        assertEquals(0, broker.read(news, null).head(), "statuses take no seq");
    }

    @Test
    void aNewChannelIsNotStale() {
        ChannelStatus status = broker.read(news, null).status();

        assertEquals(0, status.version());
        assertFalse(status.stale());
    }

    @Test
    void anIdleEmptyChannelNobodySubscribesIsRetiredAndComesBackInANewEpoch() {
        String epoch = broker.read(news, null).epoch();
        clock.advance(999);
        assertFalse(broker.retireIfIdle(news, clock.millis(), 1_000), "not idle long enough");
        clock.advance(1);

        assertTrue(broker.retireIfIdle(news, clock.millis(), 1_000));

        StreamRead again = broker.read(news, null);
        assertNotEquals(epoch, again.epoch());
        assertEquals(0, again.head());
        assertTrue(broker.retireIfIdle(ChannelKey.of("news.never"), clock.millis(), 1_000), "nothing held of it");
    }

    @Test
    void aChannelWithHistoryOrASubscribedNodeIsNotRetired() {
        ChannelKey held = ChannelKey.of("news.held");
        publish(held, 1);
        broker.subscribe(news);
        clock.advance(10_000);

        assertFalse(broker.retireIfIdle(held, clock.millis(), 1_000), "its history holds an event");
        assertFalse(broker.retireIfIdle(news, clock.millis(), 1_000), "a node subscribes");
        broker.unsubscribe(news);
        assertTrue(broker.retireIfIdle(news, clock.millis(), 1_000));
    }

    @Test
    void aReadOrPublishIsUseThatKeepsAChannel() {
        broker.read(news, null);
        clock.advance(900);
        broker.read(news, null);
        clock.advance(900);

        assertFalse(broker.retireIfIdle(news, clock.millis(), 1_000), "read 900 ms ago");
    }

    @Test
    void aRemovedChannelLosesItsHistoryAndStartsANewEpoch() {
        ChannelKey inbox = ChannelKey.inbox("CLIENT0001");
        String epoch = publish(inbox, 2).get(0).epoch();

        broker.remove(inbox);

        StreamRead read = broker.read(inbox, new Position(0, epoch));
        assertNotEquals(epoch, read.epoch());
        assertEquals(0, read.head());
        assertTrue(read.entries().isEmpty());
    }

    @Test
    void inboxStreamsAreNamedMeAndSizedByTheInboxHistory() {
        ChannelKey inbox = ChannelKey.inbox("CLIENT0001");
        ChannelKey other = ChannelKey.inbox("CLIENT0002");
        String epoch = publish(inbox, 3).get(0).epoch();
        publish(other, 1);

        StreamRead read = broker.read(inbox, new Position(0, epoch));

        assertEquals(List.of(2L, 3L), seqs(read.entries()));
        assertEquals("$me", assertInstanceOf(Event.class, codec.decodeOne(read.entries().get(0).encoded())).channel());
        assertEquals(3, read.head(), "another session's $me is another stream");
    }
}
