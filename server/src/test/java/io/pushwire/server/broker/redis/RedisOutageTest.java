package io.pushwire.server.broker.redis;

import static io.pushwire.server.broker.RecordingListener.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.server.broker.BrokerUnavailableException;
import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.broker.HistorySettings;
import io.pushwire.server.broker.Publication;
import io.pushwire.server.broker.RecordingListener;
import java.time.InstantSource;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A Redis that stops answering, or dies and comes back empty, under a node that listens to a channel. */
class RedisOutageTest {
    private final FrameCodec codec = new FrameCodec();
    private final ChannelKey news = ChannelKey.of("news.a");
    private final RecordingListener heard = new RecordingListener();
    private RedisServer redis;
    private RedisBroker node;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        node = new RedisBroker(new RedisBrokerSettings(redis.uri(), "outage:", 86_400_000, 100, 500), codec,
                InstantSource.system(), new HistorySettings(100, 60_000), new HistorySettings(10, 60_000));
        node.start(heard);
        node.subscribe(news);
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
        redis.close();
    }

    private Publication publish(int value) {
        return node.publish(news, IntNode.valueOf(value), System.currentTimeMillis());
    }

    @Test
    void aPausedRedisIsAnOutageThatEndsWithNothingLost() throws Exception {
        publish(1);
        await(() -> heard.publications(news).size() == 1, "the first entry");

        redis.pause();
        try {
            assertThrows(BrokerUnavailableException.class, () -> publish(2), "a publish while Redis is paused fails");
            await(() -> heard.outages().size() == 1, "the outage");
            assertTrue(node.unavailable().orElseThrow().contains("redis at 127.0.0.1:" + redis.port()),
                    node.unavailable().toString());
        } finally {
            redis.resume();
        }

        await(() -> heard.outages().size() == 2, "the recovery");
        assertTrue(node.unavailable().isEmpty());
        Publication after = publish(3);
        await(() -> heard.publications(news).size() == after.seq(), "every entry up to the one after the pause");
        // The publish that timed out may still have run once Redis woke up (its outcome was unknown, not
        // refused): whatever took a seq is delivered, in order, with no hole.
        assertEquals(LongStream.rangeClosed(1, after.seq()).boxed().toList(),
                heard.publications(news).stream().map(Publication::seq).toList());
        List<String> outages = heard.outages();
        assertTrue(outages.get(0).startsWith("down news.a ") && outages.get(0).contains("\"stale\":true"), outages.toString());
        assertTrue(outages.get(1).startsWith("up news.a ") && outages.get(1).contains("\"stale\":false"), outages.toString());
    }

    @Test
    void aRedisRestartedEmptyContinuesInANewEpochAnnouncedByAGap() throws Exception {
        Publication before = publish(1);
        await(() -> heard.publications(news).size() == 1, "the first entry");

        redis.kill();
        await(() -> node.unavailable().isPresent(), "the node to notice");
        redis.restart();
        await(() -> node.unavailable().isEmpty(), "the node to reconnect");
        Publication after = publish(2);

        assertNotEquals(before.epoch(), after.epoch());
        assertEquals(1, after.seq());
        await(() -> heard.publications(news).stream().anyMatch(p -> p.encoded().equals(after.encoded())),
                "the new epoch's entry");
        List<Publication> all = heard.publications(news);
        Publication gap = all.get(all.size() - 2);
        assertEquals(new Gap("news.a", 1, 0, GapReason.EPOCH_CHANGED), assertInstanceOf(Gap.class, codec.decodeOne(gap.encoded())));
        assertEquals(after.epoch(), gap.epoch());
    }

    @Test
    void aChannelLeftDuringAnOutageIsNotListenedToOnceRedisIsBack() throws Exception {
        ChannelKey left = ChannelKey.of("news.left");
        node.subscribe(left);
        redis.kill();
        await(() -> node.unavailable().isPresent(), "the node to notice");

        node.unsubscribe(left); // Redis cannot hear the unsubscribe now
        redis.restart();
        await(() -> node.unavailable().isEmpty(), "the node to reconnect");

        RedisKeys keys = new RedisKeys("outage:");
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
        try (var connection = client.connect()) {
            var redisCli = connection.sync();
            java.util.function.ToLongFunction<ChannelKey> subscribers =
                    channel -> redisCli.pubsubNumsub(keys.pubsub(channel)).getOrDefault(keys.pubsub(channel), 0L);
            await(() -> subscribers.applyAsLong(news) == 1, "the channel still subscribed to be listened to again");
            await(() -> subscribers.applyAsLong(left) == 0, "the channel left during the outage not to be listened to");
            Thread.sleep(300); // and not subscribed again by a later step of the reconnect
            assertEquals(0, subscribers.applyAsLong(left));
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aNodeStartedWhileRedisIsDownIsUnavailableUntilRedisAnswers() throws Exception {
        redis.kill();
        try (RedisBroker late = new RedisBroker(new RedisBrokerSettings(redis.uri(), "late:", 86_400_000, 100, 500),
                codec, InstantSource.system(), new HistorySettings(100, 60_000), new HistorySettings(10, 60_000))) {
            late.start(new RecordingListener());

            assertTrue(late.unavailable().orElseThrow().contains("redis at 127.0.0.1:" + redis.port()),
                    late.unavailable().toString());
            assertThrows(BrokerUnavailableException.class,
                    () -> late.publish(news, IntNode.valueOf(1), System.currentTimeMillis()));

            redis.restart();
            await(() -> late.unavailable().isEmpty(), "the broker to connect once Redis answers");
            assertEquals(1, late.publish(news, IntNode.valueOf(1), System.currentTimeMillis()).seq());
        }
    }
}
