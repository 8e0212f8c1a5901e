package io.pushwire.server.feed.upstream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A standby's market data during a make-before-break handover: held, not published, while the old connection
 * still publishes, and released when the standby takes over, minus what would repeat the old one's.
 *
 * <p>The feed's loop thread only. Each link has one; only a standby's ever fills.
 */
final class HeldUpdates {
    /** A standby holding this many updates takes over at once rather than hold more. */
    static final int MAX = 10_000;

    private final List<UpstreamUpdate> held = new ArrayList<>();

    /** Holds {@code updates}; true when it now holds {@link #MAX} or more. */
    boolean hold(List<UpstreamUpdate> updates) {
        held.addAll(updates);
        return held.size() >= MAX;
    }

    /**
     * Empties it, returning what is worth publishing: of the unnumbered updates (tickers of exchanges without
     * ids), which nothing tells apart from what the old connection published, only the newest per channel of
     * feed {@code feed}, which is the current state; numbered ones all, for the {@link SequenceGuard} to drop the
     * overlap.
     */
    List<UpstreamUpdate> release(String feed) {
        Map<String, Integer> newestUnnumbered = new HashMap<>();
        for (int i = 0; i < held.size(); i++) {
            if (held.get(i).ids() == UpstreamUpdate.Ids.NONE) {
                newestUnnumbered.put(held.get(i).event().channel(feed), i);
            }
        }
        List<UpstreamUpdate> worth = new ArrayList<>(held.size());
        for (int i = 0; i < held.size(); i++) {
            UpstreamUpdate update = held.get(i);
            if (update.ids() != UpstreamUpdate.Ids.NONE || newestUnnumbered.get(update.event().channel(feed)) == i) {
                worth.add(update);
            }
        }
        held.clear();
        return worth;
    }
}
