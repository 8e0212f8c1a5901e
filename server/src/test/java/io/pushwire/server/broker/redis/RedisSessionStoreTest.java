package io.pushwire.server.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.server.broker.HistorySettings;
import io.pushwire.server.broker.RecordingListener;
import io.pushwire.server.broker.ManualClock;
import io.pushwire.server.store.BucketState;
import io.pushwire.server.store.ResumeTokens;
import io.pushwire.server.store.SessionRecord;
import io.pushwire.server.store.SessionStore;
import io.pushwire.server.store.SessionStoreContract;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Redis session store against the {@link SessionStoreContract}, on a real {@code redis-server}. */
class RedisSessionStoreTest extends SessionStoreContract {
    private static final AtomicInteger STORES = new AtomicInteger();
    private static RedisServer redis;
    private RedisBroker broker;
    private String prefix;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected SessionStore newStore(ManualClock clock, long ttlMs) {
        // Each test its own key prefix: a new, empty store on the same Redis.
        prefix = "sessions" + STORES.incrementAndGet() + ":";
        broker = new RedisBroker(new RedisBrokerSettings(redis.uri(), prefix,
                86_400_000, 1_000, 2_000), new FrameCodec(), InstantSource.system(), new HistorySettings(10, 60_000),
                new HistorySettings(10, 60_000));
        broker.start(new RecordingListener());
        return broker.sessionStore(clock, ttlMs, "node-a");
    }

    @AfterEach
    void closeBroker() {
        broker.close();
    }

    private static SessionRecord stored(String clientId, long detachedAtMs) {
        return new SessionRecord(clientId, ResumeTokens.hash("t"), null, Long.MAX_VALUE, "$me:" + clientId, List.of(),
                START_MS, detachedAtMs, new BucketState(1, 2, START_MS), 0, null);
    }

    private <T> T raw(java.util.function.Function<io.lettuce.core.api.sync.RedisCommands<String, String>, T> command) {
        RedisClient client = RedisClient.create(redis.uri());
        try (var connection = client.connect()) {
            return command.apply(connection.sync());
        } finally {
            client.shutdown();
        }
    }

    @Test
    void redisExpiresADetachedRecordWhenWhatIsLeftOfItsTtlIsOver() {
        store.save(stored("CLIENT0001", START_MS - 100_000));
        String key = new RedisKeys(prefix).session("CLIENT0001");

        long ttl = raw(redis -> redis.pttl(key));

        assertTrue(ttl > 15_000 && ttl <= TTL_MS - 100_000, "what is left of the TTL: " + ttl);
    }

    @Test
    void anAttachedRecordIsKeptATtlAtATimeAndRenewedByItsNode() throws Exception {
        store.save(stored("CLIENT0001", -1));
        String key = new RedisKeys(prefix).session("CLIENT0001");
        raw(redis -> redis.pexpire(key, 5_000));

        store.keepAttached(List.of("CLIENT0001", "CLIENT0002"));

        long ttl = raw(redis -> redis.pttl(key));
        assertTrue(ttl > TTL_MS - 10_000, "renewed: " + ttl);
        long unknown = raw(redis -> redis.pttl(new RedisKeys(prefix).session("CLIENT0002")));
        assertEquals(-2L, unknown, "nothing made for an unknown one");
    }

    @Test
    void allFindsEveryRecordOverManyScanBatches() {
        for (int i = 0; i < 1_234; i++) {
            store.save(stored(String.format("C%09d", i), -1));
        }

        assertEquals(1_234, store.all().size());
    }

    @Test
    void aRecordThatCannotBeReadIsNoSessionRatherThanAnError() {
        raw(redis -> redis.hset(new RedisKeys(prefix).session("CLIENT0001"), "r", "{not json"));

        assertTrue(store.load("CLIENT0001").isEmpty());
        assertTrue(store.all().isEmpty());
    }
}
