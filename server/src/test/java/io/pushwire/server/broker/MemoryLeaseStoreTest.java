package io.pushwire.server.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryLeaseStoreTest {
    private final ManualClock clock = new ManualClock(1_000);
    private final MemoryLeaseStore leases = new MemoryLeaseStore(clock);

    @Test
    void aLeaseNotRenewedInTimeExpiresAndAnotherNodeTakesIt() {
        Lease first = leases.tryAcquire("sim", "node-a", 5_000).orElseThrow();
        clock.advance(4_999);
        assertTrue(leases.tryAcquire("sim", "node-b", 5_000).isEmpty());

        clock.advance(1);

        assertTrue(leases.holder("sim").isEmpty(), "expired");
        assertFalse(leases.renew(first, 5_000), "too late to renew");
        assertEquals("node-b", leases.tryAcquire("sim", "node-b", 5_000).orElseThrow().holder());
    }

    @Test
    void aRenewalExtendsFromTheTimeOfRenewal() {
        Lease lease = leases.tryAcquire("sim", "node-a", 5_000).orElseThrow();
        clock.advance(4_000);
        assertTrue(leases.renew(lease, 5_000));

        clock.advance(4_000);

        assertEquals("node-a", leases.holder("sim").orElseThrow());
    }
}
