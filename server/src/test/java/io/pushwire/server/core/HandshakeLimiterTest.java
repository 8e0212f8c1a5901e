package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bucket4j.TimeMeter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HandshakeLimiterTest {
    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final TimeMeter time = new TimeMeter() {
        @Override
        public long currentTimeNanos() {
            return TimeUnit.MILLISECONDS.toNanos(nowMs.get());
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    };
    private final HandshakeLimiter limiter = new HandshakeLimiter(4, time);

    @Test
    void eachAddressGetsItsOwnRateAndARetryTime() {
        for (int i = 0; i < 4; i++) {
            assertTrue(limiter.admit("10.0.0.1").allowed());
        }

        HandshakeLimiter.Decision refused = limiter.admit("10.0.0.1");

        assertFalse(refused.allowed());
        assertEquals(250, refused.retryAfterMs(), "one token every 250 ms at 4/s");
        assertTrue(limiter.admit("10.0.0.2").allowed(), "another address is not affected");
        nowMs.addAndGet(250);
        assertTrue(limiter.admit("10.0.0.1").allowed());
        assertFalse(limiter.admit("10.0.0.1").allowed());
    }

    @Test
    void addressesWhoseBucketRefilledAreForgotten() {
        limiter.admit("10.0.0.1");
        limiter.admit("10.0.0.2");
        limiter.admit("10.0.0.2");
        nowMs.addAndGet(300); // 10.0.0.1 is full again; 10.0.0.2 not yet

        limiter.evictIdle();

        assertEquals(1, limiter.trackedAddresses());
        nowMs.addAndGet(1_000);
        limiter.evictIdle();
        assertEquals(0, limiter.trackedAddresses());
    }
}
