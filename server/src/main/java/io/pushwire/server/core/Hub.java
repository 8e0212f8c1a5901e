package io.pushwire.server.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.protocol.Channels;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.FrameCodec;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The channels of this server. Publishers call {@link #publish} from any thread; it never blocks on a
 * client, because subscribers only enqueue.
 *
 * <p>A feed declares the channels it serves; their namespace (the name up to the first dot, {@code sim}
 * in {@code sim.trades.BTC-USDT}) then belongs to that feed, and a subscription to an undeclared name in it
 * is refused as unknown rather than left silent forever (a typo such as {@code sim.trades.BTC-USD}).
 * Channels in other namespaces are created on first use.
 */
public final class Hub implements FeedSink {
    private final FrameCodec codec;
    private final InstantSource clock;
    private final ServerCounters counters;
    private final HistorySettings history;
    private final ChannelRules rules;
    private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();
    private final Set<String> feedNamespaces = ConcurrentHashMap.newKeySet();

    public Hub(FrameCodec codec, InstantSource clock, ServerCounters counters, HistorySettings history,
               ChannelRules rules) {
        this.codec = codec;
        this.rules = rules;
        this.clock = clock;
        this.counters = counters;
        this.history = history;
    }

    /** Declares a channel served by a feed, claiming its namespace. */
    @Override
    public void declare(String channel) {
        Channels.requireValid(channel);
        feedNamespaces.add(namespaceOf(channel));
        channelNamed(channel);
    }

    /** Publishes {@code data} to {@code channel}, creating it if needed. Feeds call this. */
    @Override
    public Published publish(String channel, JsonNode data) {
        return publish(channelNamed(channel), data);
    }

    /** Publishes on a channel object, hub-registered or not (a session's {@code $me}), and counts it. */
    Published publish(Channel channel, JsonNode data) {
        Published published = channel.publish(data, clock.millis());
        counters.eventPublished(published.subscribers());
        return published;
    }

    /**
     * Tells the subscribers of a feed's channel that its source is down ({@code stale}) or back; a change
     * only, repeating the same state sends nothing. Returns whether it changed.
     */
    @Override
    public boolean markStale(String channel, boolean stale, String reason) {
        return channelNamed(channel).markStale(stale, reason);
    }

    /**
     * Announces that a feed's channel lost events upstream: a {@code gap} with reason {@code upstream}
     * takes the next seq, so subscribers (and replays) see it where the events would have been.
     */
    @Override
    public Published announceUpstreamGap(String channel) {
        return channelNamed(channel).announceUpstreamGap(GapReason.UPSTREAM, clock.millis());
    }

    /**
     * Publishes on behalf of an application (the HTTP API). Refused with {@code forbidden}: a feed's
     * namespace, where a foreign event would pass for market data, and {@code $} channels, which belong
     * to one session each.
     */
    public Published publishExternal(String channel, JsonNode data) {
        Channels.requireValid(channel);
        if (channel.startsWith("$")) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "channel '" + channel
                    + "' is private to a session; push to a session instead", null, null);
        }
        if (feedNamespaces.contains(namespaceOf(channel))) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "namespace '" + namespaceOf(channel)
                    + "' belongs to a feed; publish to another namespace", null, null);
        }
        return publish(channel, data);
    }

    /** The channel a client may subscribe to under this name, if any. */
    Optional<Channel> subscribable(String name) {
        Channel existing = channels.get(name);
        if (existing != null) {
            return Optional.of(existing);
        }
        if (feedNamespaces.contains(namespaceOf(name))) {
            return Optional.empty();
        }
        return Optional.of(channelNamed(name));
    }

    /** Number of channels. */
    public int channelCount() {
        return channels.size();
    }

    /** Current head seq of a channel, or 0 when it does not exist. */
    public long head(String channel) {
        Channel existing = channels.get(channel);
        return existing == null ? 0 : existing.head();
    }

    /** Names of the declared feed namespaces. */
    public Set<String> feedNamespaces() {
        return Set.copyOf(feedNamespaces);
    }

    private Channel channelNamed(String name) {
        return channels.computeIfAbsent(Channels.requireValid(name), n -> new Channel(n, Ids.epoch(), rules.policyFor(n), codec,
                new ChannelHistory(history.size(), history.ttlMs()), clock));
    }

    static String namespaceOf(String channel) {
        int dot = channel.indexOf('.');
        return dot < 0 ? channel : channel.substring(0, dot);
    }
}
