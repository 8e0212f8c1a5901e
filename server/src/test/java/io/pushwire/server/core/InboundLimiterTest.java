package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bucket4j.TimeMeter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The two Bucket4j buckets on a hand-moved clock. */
class InboundLimiterTest {
    private final AtomicLong nanos = new AtomicLong();
    private final TimeMeter time = new TimeMeter() {
        @Override
        public long currentTimeNanos() {
            return nanos.get();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    };

    private void advanceMs(long ms) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @Test
    void burstIsAllowedThenFramesAreRateLimitedWithARetryTime() {
        InboundLimiter limiter = new InboundLimiter(50, 100, 10, time);
        for (int i = 0; i < 100; i++) {
            assertEquals(InboundLimiter.Verdict.ALLOWED, limiter.admit().verdict(), "frame " + i);
        }
        InboundLimiter.Decision over = limiter.admit();
        assertEquals(InboundLimiter.Verdict.RATE_LIMITED, over.verdict());
        assertEquals(20, over.retryAfterMs(), "one token per 20 ms at 50/s");

        advanceMs(20);
        assertEquals(InboundLimiter.Verdict.ALLOWED, limiter.admit().verdict());
    }

    @Test
    void sustainedRateIsAllowedForever() {
        InboundLimiter limiter = new InboundLimiter(50, 100, 10, time);
        for (int i = 0; i < 5_000; i++) {
            advanceMs(20);
            assertEquals(InboundLimiter.Verdict.ALLOWED, limiter.admit().verdict(), "frame " + i);
        }
    }

    @Test
    void floodingAtTheAbuseFactorIsDetected() {
        InboundLimiter limiter = new InboundLimiter(50, 100, 10, time);
        int rateLimited = 0;
        InboundLimiter.Verdict last = null;
        // 1,000 frames/s: twice the abuse threshold of 500/s.
        for (int i = 0; i < 2_000 && last != InboundLimiter.Verdict.ABUSIVE; i++) {
            advanceMs(1);
            last = limiter.admit().verdict();
            if (last == InboundLimiter.Verdict.RATE_LIMITED) {
                rateLimited++;
            }
        }
        assertEquals(InboundLimiter.Verdict.ABUSIVE, last);
        assertTrue(rateLimited > 100, "the client was told to slow down first: " + rateLimited);
    }

    @Test
    void overTheRateButUnderTheAbuseFactorIsOnlyRateLimited() {
        InboundLimiter limiter = new InboundLimiter(50, 100, 10, time);
        for (int i = 0; i < 5_000; i++) {
            advanceMs(4); // 250 frames/s: five times the rate, half the abuse threshold
            assertTrue(limiter.admit().verdict() != InboundLimiter.Verdict.ABUSIVE, "frame " + i);
        }
    }
}
