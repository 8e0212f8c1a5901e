package io.pushwire.server.feed.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.server.core.FeedSink;
import io.pushwire.server.core.Published;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link FeedSink} that keeps, in order, what the feed did to its channels. */
final class RecordingSink implements FeedSink {
    /** One thing the feed did: {@code publish}, {@code stale}, {@code fresh} or {@code gap}. */
    record Op(String what, String channel, JsonNode data, String reason) {
        @Override
        public String toString() {
            return what + " " + channel + (data != null ? " " + data : "") + (reason != null ? " (" + reason + ")" : "");
        }
    }

    final List<Op> ops = new ArrayList<>();
    final List<String> declared = new ArrayList<>();
    /** The idempotency key of each publish, in order. */
    final List<String> idempotencyKeys = new ArrayList<>();
    private final Map<String, Boolean> stale = new HashMap<>();
    private final Map<String, String> reasons = new HashMap<>();
    private final Map<String, Long> seqs = new HashMap<>();

    @Override
    public void declare(String channel) {
        declared.add(channel);
    }

    @Override
    public Published publish(String channel, JsonNode data, String idempotencyKey) {
        ops.add(new Op("publish", channel, data, null));
        idempotencyKeys.add(idempotencyKey);
        return new Published(channel, seqs.merge(channel, 1L, Long::sum), 0);
    }

    @Override
    public boolean markStale(String channel, boolean isStale, String reason) {
        Boolean before = stale.put(channel, isStale);
        String reasonBefore = reasons.put(channel, reason);
        if (before != null && before == isStale && (!isStale || java.util.Objects.equals(reason, reasonBefore))) {
            return false;
        }
        ops.add(new Op(isStale ? "stale" : "fresh", channel, null, reason));
        return true;
    }

    @Override
    public Published announceUpstreamGap(String channel) {
        ops.add(new Op("gap", channel, null, null));
        return new Published(channel, seqs.merge(channel, 1L, Long::sum), 0);
    }

    boolean isStale(String channel) {
        return stale.getOrDefault(channel, false);
    }

    /** The ops on one channel, as strings, from index {@code from} on. */
    List<Op> since(int from) {
        return List.copyOf(ops.subList(from, ops.size()));
    }

    /** Trade ids published on a channel, in order. */
    List<String> tradeIds(String channel) {
        return ops.stream().filter(op -> op.what().equals("publish") && op.channel().equals(channel))
                .map(op -> op.data().path("tradeId").asText()).toList();
    }

    long count(String what, String channel) {
        return ops.stream().filter(op -> op.what().equals(what) && op.channel().equals(channel)).count();
    }
}
