package io.pushwire.server.feed.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.server.core.FeedSink;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Pushwire channels a feed serves, and what their subscribers see of the exchange: each event once ({@link
 * SequenceGuard} drops what two connections both delivered), a {@code gap} where the source's ids show lost events,
 * and {@code status stale} while the feed cannot vouch for a channel: until the exchange confirms its subscription,
 * after a refusal, and while the connection is down.
 *
 * <p>The feed's loop thread only, but for {@link #names} and {@link #declare}, which read nothing that changes:
 * the feed's {@code start} calls them on its caller's thread. Its counters are the feed's {@link FeedStats}.
 */
final class FeedChannels {
    private final ExchangeAdapter exchange;
    private final List<MarketStream> streams;
    /** Every stream by its exchange key, the name acks and refusals use. */
    private final Map<String, MarketStream> streamsByKey = new HashMap<>();
    private final FeedSink hub;
    private final FeedStats stats;
    private final SequenceGuard sequences = new SequenceGuard();

    FeedChannels(ExchangeAdapter exchange, List<MarketStream> streams, FeedSink hub, FeedStats stats) {
        this.exchange = exchange;
        this.streams = streams;
        this.hub = hub;
        this.stats = stats;
        streams.forEach(stream -> streamsByKey.put(exchange.key(stream), stream));
    }

    List<String> names() {
        return streams.stream().map(stream -> stream.channel(exchange.name())).toList();
    }

    /** Claims every channel, stale until the exchange confirms its subscription. */
    void declare() {
        for (String channel : names()) {
            hub.declare(channel);
            hub.markStale(channel, true, exchange.name() + " feed connecting");
        }
    }

    void publish(List<UpstreamUpdate> updates) {
        for (UpstreamUpdate update : updates) {
            String channel = update.event().channel(exchange.name());
            SequenceGuard.Verdict verdict = sequences.check(channel, update);
            if (!verdict.publish()) {
                stats.duplicates++;
                continue;
            }
            if (verdict.missing() > 0) {
                hub.announceUpstreamGap(channel);
                stats.gaps++;
                stats.missingEvents += verdict.missing();
            }
            if (hub.publish(channel, update.event().toJson(exchange.name()), update.event().idempotencyKey()).repeated()) {
                stats.duplicates++; // published already, by this feed's previous leader
            } else {
                stats.published++;
            }
        }
        stats.sequenceResets = sequences.resets();
    }

    /** Starts each trades channel's sequence check after the trade id of its latest published event. */
    void continueAfter(Map<String, JsonNode> latestData) {
        for (String channel : names()) {
            JsonNode tradeId = latestData.containsKey(channel) ? latestData.get(channel).path("tradeId") : null;
            if (tradeId == null || !tradeId.isValueNode()) {
                continue;
            }
            try {
                sequences.continueAfter(channel, Long.parseLong(tradeId.asText()));
            } catch (NumberFormatException notAnId) {
                // a source whose trade ids are not numbers: nothing to continue from
            }
        }
    }

    /** The primary's subscription of {@code key} was confirmed. */
    void confirmed(String key) {
        hub.markStale(channelOf(key), false, null);
    }

    /** The primary's subscription of {@code key} was refused, for the reason given. */
    void refused(String key, String detail) {
        hub.markStale(channelOf(key), true, exchange.name() + " refused the subscription: " + detail);
    }

    /** A new primary took over: what it confirmed is fresh. */
    void confirmedBy(UpstreamLink link) {
        for (MarketStream stream : streams) {
            if (link.isConfirmed(exchange.key(stream))) {
                hub.markStale(stream.channel(exchange.name()), false, null);
            }
        }
    }

    /** The feed lost its connection: every channel is stale. */
    void down(Failure failure) {
        markStaleUnless(key -> false, failure);
    }

    /** The feed lost its old connection and {@code link} took over: what it has not confirmed is stale. */
    void downUnlessConfirmedBy(UpstreamLink link, Failure failure) {
        markStaleUnless(link::isConfirmed, failure);
    }

    private void markStaleUnless(Predicate<String> confirmed, Failure failure) {
        String reason = exchange.name() + " feed down: " + failure.kind().name().toLowerCase();
        for (MarketStream stream : streams) {
            if (!confirmed.test(exchange.key(stream))) {
                hub.markStale(stream.channel(exchange.name()), true, reason);
            }
        }
    }

    /** Keys come from settled requests, which only name this feed's streams. */
    private String channelOf(String key) {
        MarketStream stream = streamsByKey.get(key);
        if (stream == null) {
            throw new IllegalStateException("feed " + exchange.name() + " has no stream '" + key + "'");
        }
        return stream.channel(exchange.name());
    }
}
