package io.pushwire.server.core;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.pushwire.server.store.BucketState;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Inbound frame limits of one client, on two Bucket4j token buckets.
 *
 * <p>The rate bucket ({@code burst} tokens, refilled at {@code rate} per second) decides whether a
 * frame is processed; a frame over it is answered with {@code rate_limited} and a retry time. The abuse
 * bucket ({@code rate * abuseFactor} per second) counts every frame, processed or not: a client that
 * keeps sending at that pace after being told to slow down is flooding and is disconnected.
 */
final class InboundLimiter {
    /** What to do with one inbound frame. */
    record Decision(Verdict verdict, long retryAfterMs) {
        static final Decision ALLOWED = new Decision(Verdict.ALLOWED, 0);
        static final Decision ABUSIVE = new Decision(Verdict.ABUSIVE, 0);
    }

    enum Verdict { ALLOWED, RATE_LIMITED, ABUSIVE }

    private final Bucket rate;
    private final Bucket abuse;
    private final TimeMeter time;

    /** Full buckets. */
    InboundLimiter(int ratePerSec, int burst, int abuseFactor, TimeMeter time) {
        this(ratePerSec, burst, abuseFactor, time, null);
    }

    /**
     * Buckets as {@code saved} left them, refilled for the time since (never above their capacity); full
     * when {@code saved} is null.
     */
    InboundLimiter(int ratePerSec, int burst, int abuseFactor, TimeMeter time, BucketState saved) {
        this.time = time;
        long floodPerSec = (long) ratePerSec * abuseFactor;
        long floodCapacity = Math.max(floodPerSec, burst);
        long elapsedMs = saved == null ? 0 : Math.max(0, TimeUnit.NANOSECONDS.toMillis(time.currentTimeNanos()) - saved.atMs());
        long rateTokens = saved == null ? burst : refilled(saved.rateTokens(), ratePerSec, elapsedMs, burst);
        long abuseTokens = saved == null ? floodCapacity : refilled(saved.abuseTokens(), floodPerSec, elapsedMs, floodCapacity);
        this.rate = Bucket.builder()
                .addLimit(limit -> limit.capacity(burst).refillGreedy(ratePerSec, Duration.ofSeconds(1))
                        .initialTokens(rateTokens))
                .withCustomTimePrecision(time)
                .build();
        this.abuse = Bucket.builder()
                .addLimit(limit -> limit.capacity(floodCapacity).refillGreedy(floodPerSec, Duration.ofSeconds(1))
                        .initialTokens(abuseTokens))
                .withCustomTimePrecision(time)
                .build();
    }

    private static long refilled(long tokens, long perSecond, long elapsedMs, long capacity) {
        return Math.max(0, Math.min(capacity, tokens + perSecond * elapsedMs / 1_000));
    }

    /** The tokens left now, for a session record: a limiter made from it continues where this one is. */
    BucketState state() {
        return new BucketState(rate.getAvailableTokens(), abuse.getAvailableTokens(),
                TimeUnit.NANOSECONDS.toMillis(time.currentTimeNanos()));
    }

    /** Takes one frame's token; never blocks. */
    Decision admit() {
        if (!abuse.tryConsume(1)) {
            return Decision.ABUSIVE;
        }
        ConsumptionProbe probe = rate.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return Decision.ALLOWED;
        }
        long retryAfterMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(probe.getNanosToWaitForRefill() + 999_999));
        return new Decision(Verdict.RATE_LIMITED, retryAfterMs);
    }
}
