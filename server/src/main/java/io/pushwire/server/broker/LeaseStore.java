package io.pushwire.server.broker;

import java.util.Optional;

/**
 * Leases on feeds, so that each feed runs on one node at a time: a node acquires a free lease, renews it well
 * within its time, and another node can take it only after it expired. Kept where the channels are (the
 * broker), so that the fencing tokens it hands out are the ones the channels check.
 */
public interface LeaseStore {
    /** Takes the lease {@code name} for {@code holder} for {@code ttlMs} if nobody holds it. */
    Optional<Lease> tryAcquire(String name, String holder, long ttlMs);

    /** Extends a held lease by {@code ttlMs} from now; false when it is no longer held (expired, taken). */
    boolean renew(Lease lease, long ttlMs);

    /** Gives the lease up at once, if still held, so that another node need not wait for it to expire. */
    void release(Lease lease);

    /** Who holds the lease now, if anyone. */
    Optional<String> holder(String name);
}
