package io.pushwire.server.feed.upstream;

import java.util.HashMap;
import java.util.Map;

/**
 * Decides, per channel, from the source's ids: publish, drop as already published (two connections
 * overlapping during a handover, a snapshot after a reconnect), or publish after announcing how many
 * events the source skipped. Confined to the feed's loop thread.
 */
final class SequenceGuard {
    /**
     * An id this far below the last one is not a late duplicate but a source that started counting
     * again (after maintenance, say): the guard accepts it as the new baseline.
     */
    static final long RESET_DISTANCE = 100_000;

    /** What to do with one update. */
    record Verdict(boolean publish, long missing) {
        static final Verdict PUBLISH = new Verdict(true, 0);
        static final Verdict DUPLICATE = new Verdict(false, 0);
    }

    private final Map<String, Long> lastIds = new HashMap<>();
    private long resets;

    Verdict check(String channel, UpstreamUpdate update) {
        if (update.ids() == UpstreamUpdate.Ids.NONE) {
            return Verdict.PUBLISH;
        }
        Long last = lastIds.get(channel);
        if (last != null && update.lastId() <= last) {
            if (last - update.lastId() < RESET_DISTANCE) {
                return Verdict.DUPLICATE;
            }
            resets++;
            last = null;
        }
        lastIds.put(channel, update.lastId());
        if (last == null || update.ids() != UpstreamUpdate.Ids.CONSECUTIVE || update.firstId() <= last + 1) {
            return Verdict.PUBLISH;
        }
        return new Verdict(true, update.firstId() - last - 1);
    }

    /** Starts the channel's check after {@code lastId}, as if that id had just been published here. */
    void continueAfter(String channel, long lastId) {
        lastIds.merge(channel, lastId, Math::max);
    }

    /** How many times a source restarted its numbering. */
    long resets() {
        return resets;
    }
}
