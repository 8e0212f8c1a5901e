package io.pushwire.server.store;

import io.pushwire.server.broker.ManualClock;

/** The embedded session store against the {@link SessionStoreContract}. */
class MemorySessionStoreTest extends SessionStoreContract {
    @Override
    protected SessionStore newStore(ManualClock clock, long ttlMs) {
        return new MemorySessionStore(clock, ttlMs);
    }
}
