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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The channels of this server. Publishers call {@link #publish} from any thread; it never blocks on a
 * client, because subscribers only enqueue.
 *
 * <p>A feed declares the channels it serves; their namespace (the name up to the first dot, {@code sim}
 * in {@code sim.trades.BTC-USDT}) then belongs to that feed, and a subscription to an undeclared name in it
 * is refused as unknown rather than left silent forever (a typo such as {@code sim.trades.BTC-USD}).
 * Channels in other namespaces are created on first use, by a subscribe or a publish, up to
 * {@code maxChannels} of them; {@link #retireUnused} drops those nobody uses any more, so names that
 * came and went do not fill the cap for good.
 */
public final class Hub implements FeedSink {
    private final FrameCodec codec;
    private final InstantSource clock;
    private final ServerCounters counters;
    private final HistorySettings history;
    private final ChannelRules rules;
    private final int maxChannels;
    private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();
    private final Set<String> feedNamespaces = ConcurrentHashMap.newKeySet();
    /** Channels in the map that no feed declared: what {@link #maxChannels} bounds. */
    private final AtomicInteger openChannels = new AtomicInteger();

    public Hub(FrameCodec codec, InstantSource clock, ServerCounters counters, HistorySettings history,
               ChannelRules rules, int maxChannels) {
        this.codec = codec;
        this.rules = rules;
        this.clock = clock;
        this.counters = counters;
        this.history = history;
        this.maxChannels = maxChannels;
    }

    /** Declares a channel served by a feed, claiming its namespace. */
    @Override
    public void declare(String channel) {
        Channels.requireValid(channel);
        feedNamespaces.add(namespaceOf(channel));
        channels.computeIfAbsent(channel, this::newChannel);
    }

    /** Publishes {@code data} to {@code channel}, creating it if needed. Feeds and the HTTP API call this. */
    @Override
    public Published publish(String channel, JsonNode data) {
        while (true) {
            try {
                return publish(channelNamed(channel), data);
            } catch (Channel.Retired raced) {
                // Swept between the lookup and the publish: the next lookup creates it anew.
            }
        }
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

    /**
     * Hands {@code subscribe} the channel a client may subscribe to under this name, creating it when it
     * is outside the feeds' namespaces; returns false when there is none (an unknown name in a feed's
     * namespace). Over the channel cap, {@code limit_exceeded}.
     */
    boolean subscribe(String name, Consumer<Channel> subscribe) {
        while (true) {
            Optional<Channel> channel = subscribable(name);
            if (channel.isEmpty()) {
                return false;
            }
            try {
                subscribe.accept(channel.get());
                return true;
            } catch (Channel.Retired raced) {
                // Swept between the lookup and the subscribe: the next lookup creates it anew.
            }
        }
    }

    /** The channel a client may subscribe to under this name, created if needed; empty when there is none. */
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

    /**
     * Drops the channels that no feed declared, that no session (attached or waiting for a resume) is
     * subscribed to, and that hold no history and saw no activity for {@code idleMs}. Runs on the timer.
     * Returns how many were dropped.
     *
     * @param inUse channel names some session is subscribed to: kept even while their session is detached,
     *              because a resume goes back to the same channel object
     */
    int retireUnused(Set<String> inUse, long nowMs, long idleMs) {
        int retired = 0;
        for (Channel channel : channels.values()) {
            String name = channel.name();
            if (inUse.contains(name) || feedNamespaces.contains(namespaceOf(name))) {
                continue;
            }
            if (channel.retireIfUnused(nowMs, idleMs) && channels.remove(name, channel)) {
                openChannels.decrementAndGet();
                retired++;
            }
        }
        return retired;
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

    /** The channel with this name, created if it is new and the cap allows. */
    private Channel channelNamed(String name) {
        Channel existing = channels.get(Channels.requireValid(name));
        if (existing != null) {
            return existing;
        }
        if (feedNamespaces.contains(namespaceOf(name))) {
            return channels.computeIfAbsent(name, this::newChannel);
        }
        // Reserve a place first, so concurrent creators cannot overshoot the cap together.
        if (openChannels.incrementAndGet() > maxChannels) {
            openChannels.decrementAndGet();
            Channel raced = channels.get(name);
            if (raced != null) {
                return raced;
            }
            counters.limitExceeded();
            throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "the server has " + maxChannels
                    + " channels, its limit (pushwire.limits.max-channels); channel '" + name
                    + "' cannot be created until unused ones are retired", null, null);
        }
        boolean[] created = {false};
        Channel channel = channels.computeIfAbsent(name, n -> {
            created[0] = true;
            return newChannel(n);
        });
        if (!created[0]) {
            openChannels.decrementAndGet();
        }
        return channel;
    }

    private Channel newChannel(String name) {
        return new Channel(name, Ids.epoch(), rules.policyFor(name), codec,
                new ChannelHistory(history.size(), history.ttlMs()), clock);
    }

    static String namespaceOf(String channel) {
        int dot = channel.indexOf('.');
        return dot < 0 ? channel : channel.substring(0, dot);
    }
}
