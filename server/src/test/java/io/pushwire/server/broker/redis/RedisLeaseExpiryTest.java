package io.pushwire.server.broker.redis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.protocol.FrameCodec;
import io.pushwire.server.broker.HistorySettings;
import io.pushwire.server.broker.Lease;
import io.pushwire.server.broker.LeaseStore;
import io.pushwire.server.broker.RecordingListener;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

/** Leases in Redis expire by Redis's clock: a node that stops renewing loses the feed to another. */
class RedisLeaseExpiryTest {
    @Test
    void aLeaseNotRenewedExpiresInRedisAndAnotherNodeTakesItWithANewerToken() throws Exception {
        try (RedisServer redis = RedisServer.start();
             RedisBroker node = new RedisBroker(RedisBrokerSettings.defaults(redis.uri()), new FrameCodec(),
                     InstantSource.system(), new HistorySettings(10, 60_000), new HistorySettings(10, 60_000))) {
            node.start(new RecordingListener());
            LeaseStore leases = node.leases();
            Lease first = leases.tryAcquire("sim", "node-a", 300).orElseThrow();
            assertTrue(leases.tryAcquire("sim", "node-b", 300).isEmpty());

            Thread.sleep(400);

            assertTrue(leases.holder("sim").isEmpty(), "expired in Redis");
            assertFalse(leases.renew(first, 300));
            Lease second = leases.tryAcquire("sim", "node-b", 300).orElseThrow();
            assertTrue(second.token() > first.token());
        }
    }
}
