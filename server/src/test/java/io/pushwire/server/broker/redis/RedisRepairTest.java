package io.pushwire.server.broker.redis;

import static io.pushwire.server.broker.RecordingListener.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.broker.HistorySettings;
import io.pushwire.server.broker.Publication;
import io.pushwire.server.broker.RecordingListener;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the Redis broker adds to the contract: pub/sub loses messages, and a node repairs from the stream.
 * A lost publication is made exactly: the publish script run with a pub/sub channel nobody listens to, so
 * the entry is in the stream and its message went nowhere.
 */
class RedisRepairTest {
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static RedisServer redis;
    private static RedisClient rawClient;
    private static StatefulRedisConnection<String, String> raw;

    private final FrameCodec codec = new FrameCodec();
    private final ChannelKey news = ChannelKey.of("news.a");
    private final RecordingListener heard = new RecordingListener();
    private RedisBrokerSettings settings;
    private RedisBroker node;
    private RedisBroker other;
    private int historySize;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
        rawClient = RedisClient.create(redis.uri());
        raw = rawClient.connect();
    }

    @AfterAll
    static void stopRedis() {
        if (raw != null) {
            raw.close();
            rawClient.shutdown();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void startNodes() {
        startNodes(60_000); // no periodic check during a test, unless it asks for one
    }

    private void startNodes(long checkIntervalMs) {
        startNodes(checkIntervalMs, 5);
    }

    private void startNodes(long checkIntervalMs, int historySize) {
        closeNodes();
        this.historySize = historySize;
        settings = new RedisBrokerSettings(redis.uri(), "repair" + TESTS.incrementAndGet() + ":", 86_400_000,
                checkIntervalMs, 2_000);
        node = newBroker();
        node.start(heard);
        other = newBroker();
        other.start(new RecordingListener());
    }

    @AfterEach
    void closeNodes() {
        if (node != null) {
            node.close();
            other.close();
        }
    }

    private RedisBroker newBroker() {
        return new RedisBroker(settings, codec, InstantSource.system(), new HistorySettings(historySize, 60_000),
                new HistorySettings(2, 60_000));
    }

    /** Appends an entry whose pub/sub message is lost on its way. */
    private void publishLost(int value) {
        long now = System.currentTimeMillis();
        FrameTemplate frame = FrameTemplate.event(codec, news.name(), now, IntNode.valueOf(value));
        RedisKeys keys = new RedisKeys(settings.keyPrefix());
        RedisScript.named("publish").run(raw.sync(), ScriptOutputType.MULTI, new String[] {keys.meta(news), keys.stream(news)},
                "nowhere", "UNUSEDEPOCH", Long.toString(now), Integer.toString(historySize), "60000", "86400000", "e", frame.before(),
                frame.between(), frame.after(), "PUBLISH", "0", "120000");
    }

    private List<Long> seqsHeard() {
        return heard.publications(news).stream().map(Publication::seq).toList();
    }

    @Test
    void aNodeHearsWhatAnotherNodePublishes() {
        node.subscribe(news);

        other.publish(news, IntNode.valueOf(1), System.currentTimeMillis());
        other.publish(news, IntNode.valueOf(2), System.currentTimeMillis());

        await(() -> heard.publications(news).size() == 2, "two entries from the other node");
        assertEquals(List.of(1L, 2L), seqsHeard());
    }

    @Test
    void aSeqJumpIsRepairedFromTheStreamBeforeTheNextEntryIsHandedOn() {
        node.subscribe(news);
        other.publish(news, IntNode.valueOf(1), System.currentTimeMillis());
        publishLost(2);
        publishLost(3);
        other.publish(news, IntNode.valueOf(4), System.currentTimeMillis());

        await(() -> heard.publications(news).size() == 4, "four entries, two of them repaired");
        assertEquals(List.of(1L, 2L, 3L, 4L), seqsHeard());
        Event repaired = assertInstanceOf(Event.class, codec.decodeOne(heard.publications(news).get(1).encoded()));
        assertEquals(IntNode.valueOf(2), repaired.data());
    }

    @Test
    void aLostTailIsRepairedByThePeriodicCheck() {
        startNodes(100);
        node.subscribe(news);
        other.publish(news, IntNode.valueOf(1), System.currentTimeMillis());
        publishLost(2);

        await(() -> heard.publications(news).size() == 2, "the lost last entry, from the check (every 100 ms)");
        assertEquals(List.of(1L, 2L), seqsHeard());
    }

    @Test
    void whatTheStreamNoLongerHoldsBecomesAHistoryExpiredGap() {
        node.subscribe(news);
        for (int i = 1; i <= 8; i++) {
            publishLost(i);
        }
        other.publish(news, IntNode.valueOf(9), System.currentTimeMillis());

        await(() -> heard.publications(news).size() == 6, "a gap, then what history holds");
        Publication gap = heard.publications(news).get(0);
        assertFalse(gap.event());
        assertEquals(new Gap("news.a", 1, 4, GapReason.HISTORY_EXPIRED), codec.decodeOne(gap.encoded()));
        assertEquals(List.of(4L, 5L, 6L, 7L, 8L, 9L), seqsHeard());
    }

    @Test
    void aChannelRedisLostGoesOnInANewEpochAnnouncedByAnEpochChangedGap() {
        node.subscribe(news);
        Publication first = other.publish(news, IntNode.valueOf(1), System.currentTimeMillis());
        await(() -> heard.publications(news).size() == 1, "the first entry");
        RedisKeys keys = new RedisKeys(settings.keyPrefix());
        raw.sync().del(keys.meta(news), keys.stream(news));

        Publication again = other.publish(news, IntNode.valueOf(2), System.currentTimeMillis());

        assertNotEquals(first.epoch(), again.epoch());
        assertEquals(1, again.seq());
        await(() -> heard.publications(news).size() == 3, "the gap and the new epoch's first entry");
        Publication gap = heard.publications(news).get(1);
        assertEquals(again.epoch(), gap.epoch());
        assertEquals(new Gap("news.a", 1, 0, GapReason.EPOCH_CHANGED), codec.decodeOne(gap.encoded()));
        assertEquals(again.encoded(), heard.publications(news).get(2).encoded());
    }

    @Test
    void statusesReachOtherNodesInOrder() {
        node.subscribe(news);

        assertTrue(other.markStale(news, true, "feed down"));
        assertTrue(other.markStale(news, false, null));

        await(() -> heard.statuses(news).size() == 2, "both statuses");
        assertEquals(List.of(1L, 2L), heard.statuses(news).stream().map(s -> s.version()).toList());
    }

    @Test
    void concurrentPublishesStatusesAndLostMessagesReachANodeInSeqOrderExactlyOnce() throws Exception {
        startNodes(60_000, 10_000);
        node.subscribe(news);
        int publishers = 4;
        int each = 300;
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < publishers; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    other.publish(news, IntNode.valueOf(i), System.currentTimeMillis());
                }
            }));
        }
        threads.add(Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 20; i++) {
                other.markStale(news, i % 2 == 0, i % 2 == 0 ? "feed down" : null);
                publishLost(-i); // a message lost now and then: the next one repairs it
                Thread.onSpinWait();
            }
        }));
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        long total = publishers * each + 20;
        other.publish(news, IntNode.valueOf(0), System.currentTimeMillis()); // not lost: ends with a message

        await(() -> heard.publications(news).size() == total + 1, "every entry, once");
        assertEquals(java.util.stream.LongStream.rangeClosed(1, total + 1).boxed().toList(), seqsHeard());
        // A status is a state, not an event: a repair hands on the latest, so one overtaken meanwhile may be
        // left out. What is heard goes only forward, and ends at the last.
        await(() -> !heard.statuses(news).isEmpty() && heard.statuses(news).get(heard.statuses(news).size() - 1).version() == 20,
                "the last status");
        List<Long> versions = heard.statuses(news).stream().map(s -> s.version()).toList();
        assertEquals(versions.stream().sorted().distinct().toList(), versions, "versions only go forward: " + versions);
        assertFalse(heard.statuses(news).get(versions.size() - 1).stale(), "the last one says fresh");
    }
}
