package io.pushwire.server.core;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.pushwire.server.broker.SharedBuckets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket handshakes per remote address, on one Bucket4j bucket per address ({@code perSecond} tokens,
 * refilled at {@code perSecond} per second). It is asked before the upgrade, so a reconnect storm from
 * one address is answered with a cheap HTTP 429 instead of sessions.
 *
 * <p>A full bucket remembers nothing worth keeping: {@link #evictIdle} drops those, so the map holds
 * only addresses that connected within about the last second.
 *
 * <p>In a cluster the buckets are the cluster's ({@link SharedBuckets}, in Redis): an address gets
 * {@code perSecond} handshakes a second across all nodes, not on each. While they cannot be reached, this
 * node's own bucket of the address decides, so that an outage of Redis never refuses every handshake.
 */
public final class HandshakeLimiter {
    /** Whether a handshake may proceed; if not, when to retry. */
    public record Decision(boolean allowed, long retryAfterMs) {
        static final Decision ALLOWED = new Decision(true, 0);
    }

    private final int perSecond;
    private final TimeMeter time;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Optional<SharedBuckets> shared;
    private final BucketConfiguration configuration;

    HandshakeLimiter(int perSecond, TimeMeter time) {
        this(perSecond, time, Optional.empty());
    }

    HandshakeLimiter(int perSecond, TimeMeter time, Optional<SharedBuckets> shared) {
        this.perSecond = perSecond;
        this.time = time;
        this.shared = shared;
        this.configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .build();
    }

    /** Takes one handshake token for {@code address}; never blocks on a client (on Redis, for one round trip). */
    public Decision admit(String address) {
        ConsumptionProbe probe = null;
        if (shared.isPresent()) {
            try {
                probe = shared.get().tryConsume("handshake:" + address, configuration);
            } catch (RuntimeException unreachable) {
                probe = null; // this node's own bucket decides meanwhile
            }
        }
        if (probe == null) {
            probe = buckets.computeIfAbsent(address, a -> newBucket()).tryConsumeAndReturnRemaining(1);
        }
        if (probe.isConsumed()) {
            return Decision.ALLOWED;
        }
        return new Decision(false, Math.max(1, TimeUnit.NANOSECONDS.toMillis(probe.getNanosToWaitForRefill() + 999_999)));
    }

    /** Forgets addresses whose bucket has refilled completely. */
    void evictIdle() {
        buckets.entrySet().removeIf(entry -> entry.getValue().getAvailableTokens() >= perSecond);
    }

    /** Addresses currently remembered. */
    int trackedAddresses() {
        return buckets.size();
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .withCustomTimePrecision(time)
                .build();
    }
}
