package io.pushwire.server.broker;

import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Leases of one process: what the embedded broker offers, where the only contender is this node. */
public final class MemoryLeaseStore implements LeaseStore {
    private final InstantSource clock;
    private final AtomicLong tokens = new AtomicLong();
    private final ConcurrentHashMap<String, Held> leases = new ConcurrentHashMap<>();

    private record Held(Lease lease, long untilMs) {
    }

    public MemoryLeaseStore(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public Optional<Lease> tryAcquire(String name, String holder, long ttlMs) {
        long now = clock.millis();
        Lease[] acquired = {null};
        leases.compute(name, (key, current) -> {
            if (current != null && current.untilMs() > now) {
                return current;
            }
            acquired[0] = new Lease(name, holder, tokens.incrementAndGet());
            return new Held(acquired[0], now + ttlMs);
        });
        return Optional.ofNullable(acquired[0]);
    }

    @Override
    public boolean renew(Lease lease, long ttlMs) {
        long now = clock.millis();
        boolean[] renewed = {false};
        leases.computeIfPresent(lease.name(), (key, current) -> {
            if (!current.lease().equals(lease) || current.untilMs() <= now) {
                return current;
            }
            renewed[0] = true;
            return new Held(lease, now + ttlMs);
        });
        return renewed[0];
    }

    @Override
    public void release(Lease lease) {
        leases.computeIfPresent(lease.name(), (key, current) -> current.lease().equals(lease) ? null : current);
    }

    @Override
    public Optional<String> holder(String name) {
        Held held = leases.get(name);
        return held == null || held.untilMs() <= clock.millis() ? Optional.empty()
                : Optional.of(held.lease().holder());
    }
}
