package io.pushwire.server.store;

import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The embedded session store: records in this process's memory, gone with it. */
public final class MemorySessionStore implements SessionStore {
    /** The only node there is. */
    static final String NODE = "local";
    private final ConcurrentHashMap<String, SessionRecord> records = new ConcurrentHashMap<>();
    /** Sessions claimed whose new holder has not written yet: a hand-over may still write them. */
    private final java.util.Set<String> claimedOnly = ConcurrentHashMap.newKeySet();
    private final InstantSource clock;
    private final long ttlMs;

    /** Detached records expire {@code ttlMs} after their {@code detachedAtMs}, by {@code clock}. */
    public MemorySessionStore(InstantSource clock, long ttlMs) {
        this.clock = clock;
        this.ttlMs = ttlMs;
    }

    @Override
    public boolean save(SessionRecord record) {
        boolean[] written = {false};
        records.compute(record.clientId(), (id, stored) -> {
            if (stored != null && !expired(stored, clock.millis()) && stored.attachment() > record.attachment()) {
                return stored;
            }
            written[0] = true;
            claimedOnly.remove(id);
            return record.heldBy(record.detached() ? null : NODE);
        });
        return written[0];
    }

    /** One node: nothing is ever handed over to another; accepted only as the contract says. */
    @Override
    public boolean handOver(SessionRecord record) {
        boolean[] written = {false};
        records.computeIfPresent(record.clientId(), (id, stored) -> {
            if (stored.attachment() != record.attachment() || !claimedOnly.contains(id)) {
                return stored;
            }
            written[0] = true;
            return record.heldBy(stored.holder());
        });
        return written[0];
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
    public Optional<SessionRecord> claim(String clientId) {
        SessionRecord[] before = {null};
        records.computeIfPresent(clientId, (id, stored) -> {
            if (expired(stored, clock.millis())) {
                return null;
            }
            before[0] = stored;
            claimedOnly.add(id);
            return stored.claimed(stored.attachment() + 1, NODE);
        });
        return Optional.ofNullable(before[0]);
    }

    @Override
    public String node() {
        return NODE;
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
