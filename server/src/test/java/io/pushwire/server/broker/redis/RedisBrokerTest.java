package io.pushwire.server.broker.redis;

import io.pushwire.protocol.FrameCodec;
import io.pushwire.server.broker.Broker;
import io.pushwire.server.broker.BrokerContract;
import io.pushwire.server.broker.HistorySettings;
import io.pushwire.server.broker.ManualClock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Redis broker against the {@link BrokerContract}, on a real {@code redis-server} this class starts.
 * Each test gets a key prefix of its own, so that none sees another's channels.
 */
class RedisBrokerTest extends BrokerContract {
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected Broker newBroker(ManualClock clock, HistorySettings channels, HistorySettings inboxes) {
        RedisBrokerSettings settings = RedisBrokerSettings.defaults(redis.uri())
                .withKeyPrefix("test" + TESTS.incrementAndGet() + ":");
        return new RedisBroker(settings, new FrameCodec(), clock, channels, inboxes);
    }
}
