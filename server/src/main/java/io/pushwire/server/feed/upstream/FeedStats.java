package io.pushwire.server.feed.upstream;

import io.pushwire.server.feed.Feed;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A feed's counters: written by its loop thread only, read by health checks from any thread (hence
 * volatile; a reader may see one counter a step ahead of another, which a probe does not mind).
 */
final class FeedStats {
    volatile FeedState state = FeedState.CONNECTING;
    volatile long attempts;
    volatile long connects;
    volatile long failures;
    volatile String lastFailure = "";
    volatile long lastMessageMs;
    volatile long published;
    volatile long gaps;
    volatile long missingEvents;
    volatile long duplicates;
    volatile long malformed;
    volatile long rejected;
    volatile long handovers;
    volatile long pingsSent;
    volatile long sequenceResets;

    Map<String, Object> describe(String url, long nowMs) {
        Map<String, Object> facts = new LinkedHashMap<>();
        FeedState current = state;
        facts.put("state", current.name());
        facts.put("connected", current == FeedState.LIVE);
        facts.put("url", url);
        facts.put("lastMessageAgeMs", lastMessageAgeMs(nowMs));
        facts.put("connects", connects);
        facts.put("reconnects", reconnects());
        facts.put("attempts", attempts);
        facts.put("failures", failures);
        facts.put("lastFailure", lastFailure);
        facts.put("published", published);
        facts.put("gaps", gaps);
        facts.put("missingEvents", missingEvents);
        facts.put("duplicatesDropped", duplicates);
        facts.put("malformed", malformed);
        facts.put("rejected", rejected);
        facts.put("handovers", handovers);
        facts.put("pingsSent", pingsSent);
        facts.put("sequenceResets", sequenceResets);
        return facts;
    }

    /** The figures for {@code /metrics}: the same values as {@link #describe} gives under the same names. */
    Feed.Figures figures(long nowMs) {
        return new Feed.Figures(state == FeedState.LIVE, reconnects(), lastMessageAgeMs(nowMs), gaps, missingEvents,
                published);
    }

    private long reconnects() {
        return Math.max(0, connects - 1);
    }

    private long lastMessageAgeMs(long nowMs) {
        long last = lastMessageMs;
        return last == 0 ? -1 : nowMs - last;
    }
}
