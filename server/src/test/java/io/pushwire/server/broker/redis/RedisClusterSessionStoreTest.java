package io.pushwire.server.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Redis session store on a Redis Cluster of three masters against the same {@link SessionStoreContract}:
 * each session's hash sits in the slot of its own tag, and listing them scans every master.
 */
class RedisClusterSessionStoreTest extends SessionStoreContract {
    private static final AtomicInteger STORES = new AtomicInteger();
    private static RedisCluster cluster;
    private RedisBroker broker;
    private String prefix;

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
    protected SessionStore newStore(ManualClock clock, long ttlMs) {
        prefix = "cluster-sessions" + STORES.incrementAndGet() + ":";
        broker = new RedisBroker(RedisBrokerSettings.defaults(cluster.uris()).withKeyPrefix(prefix), new FrameCodec(),
                InstantSource.system(), new HistorySettings(10, 60_000), new HistorySettings(10, 60_000));
        broker.start(new RecordingListener());
        return broker.sessionStore(clock, ttlMs, "node-a");
    }

    @AfterEach
    void closeBroker() {
        broker.close();
    }

    @Test
    void allListsSessionsFromEveryMaster() throws Exception {
        Set<Integer> masters = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            String clientId = String.format("C%09d", i);
            store.save(new SessionRecord(clientId, ResumeTokens.hash("t"), null, Long.MAX_VALUE, "$me:" + clientId,
                    List.of(), START_MS, -1, new BucketState(1, 2, START_MS), 0, null));
            masters.add(cluster.portOf(new RedisKeys(prefix).session(clientId)));
        }

        assertEquals(3, masters.size(), "the sessions are spread over the three masters");
        assertEquals(60, store.all().size());
    }
}
