package io.pushwire.server.store;

import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The embedded session store: records in this process's memory, gone with it. */
public final class MemorySessionStore implements SessionStore {
    private final ConcurrentHashMap<String, SessionRecord> records = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final long ttlMs;

    /** Detached records expire {@code ttlMs} after their {@code detachedAtMs}, by {@code clock}. */
    public MemorySessionStore(InstantSource clock, long ttlMs) {
        this.clock = clock;
        this.ttlMs = ttlMs;
    }

    @Override
    public void save(SessionRecord record) {
        records.put(record.clientId(), record);
    }

    @Override
    public Optional<SessionRecord> load(String clientId) {
        SessionRecord record = records.get(clientId);
        if (record != null && expired(record, clock.millis())) {
            records.remove(clientId, record);
            return Optional.empty();
        }
        return Optional.ofNullable(record);
    }

    @Override
    public boolean delete(String clientId) {
        return records.remove(clientId) != null;
    }

    @Override
    public List<SessionRecord> all() {
        long now = clock.millis();
        records.values().removeIf(record -> expired(record, now));
        return List.copyOf(records.values());
    }

    @Override
    public void close() {
        records.clear();
    }

    private boolean expired(SessionRecord record, long nowMs) {
        return record.detached() && nowMs - record.detachedAtMs() >= ttlMs;
    }
}
