package io.pushwire.server.broker.redis;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.pushwire.protocol.FrameCodec;
import io.pushwire.server.broker.Broker;
import io.pushwire.server.broker.BrokerContract;
import io.pushwire.server.broker.HistorySettings;
import io.pushwire.server.broker.ManualClock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Redis broker on a Redis Cluster of three masters (sharded pub/sub, scripts routed by each channel's
 * hash tag) against the same {@link BrokerContract}.
 */
class RedisClusterBrokerTest extends BrokerContract {
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisCluster.start(3);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected Broker newBroker(ManualClock clock, HistorySettings channels, HistorySettings inboxes) {
        RedisBrokerSettings settings = RedisBrokerSettings.defaults(cluster.uris())
                .withKeyPrefix("cluster" + TESTS.incrementAndGet() + ":");
        return new RedisBroker(settings, new FrameCodec(), clock, channels, inboxes);
    }

    @Test
    void theSuiteUsesChannelsOnDifferentShards() throws Exception {
        RedisKeys keys = new RedisKeys("cluster0:");
        assertNotEquals(cluster.portOf(keys.meta(io.pushwire.server.broker.ChannelKey.of("news.a"))),
                cluster.portOf(keys.meta(io.pushwire.server.broker.ChannelKey.of("news.b"))),
                "news.a and news.b (two channels of the suite) live on different masters");
    }
}
