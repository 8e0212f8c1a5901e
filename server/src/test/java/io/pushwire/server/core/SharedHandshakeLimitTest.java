package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bucket4j.TimeMeter;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.server.broker.HistorySettings;
import io.pushwire.server.broker.RecordingListener;
import io.pushwire.server.broker.redis.RedisBroker;
import io.pushwire.server.broker.redis.RedisBrokerSettings;
import io.pushwire.server.broker.redis.RedisServer;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The handshake limit per address across a cluster: two nodes' limiters on one Redis share each address's
 * bucket (Bucket4j over Lettuce), and while Redis cannot be reached each node's own bucket decides.
 */
class SharedHandshakeLimitTest {
    private static final TimeMeter SYSTEM = TimeMeter.SYSTEM_MILLISECONDS;
    private RedisServer redis;
    private RedisBroker nodeA;
    private RedisBroker nodeB;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        nodeA = broker();
        nodeB = broker();
    }

    private RedisBroker broker() {
        RedisBroker broker = new RedisBroker(new RedisBrokerSettings(redis.uri(), "limits:", 86_400_000, 1_000, 500),
                new FrameCodec(), InstantSource.system(), new HistorySettings(10, 60_000), new HistorySettings(10, 60_000));
        broker.start(new RecordingListener());
        return broker;
    }

    @AfterEach
    void stop() {
        nodeA.close();
        nodeB.close();
        redis.close();
    }

    @Test
    void anAddressGetsItsHandshakesPerSecondAcrossTheClusterNotOnEachNode() {
        HandshakeLimiter onA = new HandshakeLimiter(3, SYSTEM, nodeA.sharedBuckets());
        HandshakeLimiter onB = new HandshakeLimiter(3, SYSTEM, nodeB.sharedBuckets());

        assertTrue(onA.admit("10.0.0.1").allowed());
        assertTrue(onB.admit("10.0.0.1").allowed());
        assertTrue(onA.admit("10.0.0.1").allowed());
        HandshakeLimiter.Decision fourth = onB.admit("10.0.0.1");

        assertFalse(fourth.allowed(), "the fourth in the same second, on the other node");
        assertTrue(fourth.retryAfterMs() > 0 && fourth.retryAfterMs() <= 1_000, "retry after " + fourth.retryAfterMs());
        assertTrue(onB.admit("10.0.0.2").allowed(), "another address has its own bucket");
    }

    @Test
    void whileRedisCannotBeReachedEachNodesOwnBucketDecides() throws Exception {
        TimeMeter frozen = new TimeMeter() { // this node's own buckets do not refill during the test
            @Override
            public long currentTimeNanos() {
                return 0;
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        HandshakeLimiter onA = new HandshakeLimiter(2, frozen, nodeA.sharedBuckets());
        redis.pause();
        try {
            io.pushwire.server.broker.RecordingListener.await(() -> nodeA.unavailable().isPresent(), "the node to notice");
            assertTrue(onA.admit("10.0.0.1").allowed());
            assertTrue(onA.admit("10.0.0.1").allowed());
            assertFalse(onA.admit("10.0.0.1").allowed(), "this node's bucket still limits");
        } finally {
            redis.resume();
        }
    }
}
