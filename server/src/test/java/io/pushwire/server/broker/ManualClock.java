package io.pushwire.server.broker;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock moved by hand, for contract suites whose implementations take time from an {@link InstantSource}. */
public final class ManualClock implements InstantSource {
    private final AtomicLong nowMs;

    public ManualClock(long startMs) {
        this.nowMs = new AtomicLong(startMs);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(nowMs.get());
    }

    @Override
    public long millis() {
        return nowMs.get();
    }

    public void advance(long ms) {
        nowMs.addAndGet(ms);
    }
}
