package io.pushwire.server.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.protocol.Channels;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.Subscribe;
import io.pushwire.server.broker.Broker;
import io.pushwire.server.broker.BrokerListener;
import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.broker.ChannelStatus;
import io.pushwire.server.broker.Publication;
import io.pushwire.server.broker.StreamRead;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * This node's side of the channels: which of them exist here, who listens to each locally, and the
 * fan-out of what the {@link Broker} hands over. The broker numbers, keeps and replays; the hub only
 * routes. Publishers call {@link #publish} from any thread; it never blocks on a client, because
 * subscribers only enqueue.
 *
 * <p>A feed declares the channels it serves; their namespace (the name up to the first dot, {@code sim}
 * in {@code sim.trades.BTC-USDT}) then belongs to that feed, and a subscription to an undeclared name in it
 * is refused as unknown rather than left silent forever (a typo such as {@code sim.trades.BTC-USD}).
 * Channels in other namespaces are created on first use, by a subscribe or a publish, up to
 * {@code maxChannels} of them; {@link #retireUnused} drops those nobody uses any more, so names that
 * came and went do not fill the cap for good.
 */
public final class Hub implements FeedSink, BrokerListener {
    private final Broker broker;
    private final FrameCodec codec;
    private final InstantSource clock;
    private final ServerCounters counters;
    private final ChannelRules rules;
    private final int maxChannels;
    /** Public channels by name. */
    private final ConcurrentHashMap<String, LocalChannel> channels = new ConcurrentHashMap<>();
    /** Sessions' {@code $me} channels by broker key, while subscribed here. */
    private final ConcurrentHashMap<String, LocalChannel> inboxes = new ConcurrentHashMap<>();
    private final Set<String> feedNamespaces = ConcurrentHashMap.newKeySet();
    /** Channels in the map that no feed declared: what {@link #maxChannels} bounds. */
    private final AtomicInteger openChannels = new AtomicInteger();

    /** A hub over {@code broker}, which it starts: the broker's entries come to this hub's fan-out. */
    public Hub(Broker broker, FrameCodec codec, InstantSource clock, ServerCounters counters, ChannelRules rules,
               int maxChannels) {
        this.broker = broker;
        this.codec = codec;
        this.rules = rules;
        this.clock = clock;
        this.counters = counters;
        this.maxChannels = maxChannels;
        broker.start(this);
    }

    /** Declares a channel served by a feed, claiming its namespace. */
    @Override
    public void declare(String channel) {
        Channels.requireValid(channel);
        feedNamespaces.add(namespaceOf(channel));
        channels.computeIfAbsent(channel, name -> new LocalChannel(routeOf(name), false, clock.millis()));
    }

    /** Publishes {@code data} to {@code channel}, creating it if needed. Feeds and the HTTP API call this. */
    @Override
    public Published publish(String channel, JsonNode data) {
        return publish(channelNamed(channel).route(), data);
    }

    @Override
    public Published publish(String channel, JsonNode data, String idempotencyKey) {
        return publish(channelNamed(channel).route(), data, idempotencyKey, 0);
    }

    /** A feed's publish, carrying its lease's fencing token. */
    Published publish(String channel, JsonNode data, String idempotencyKey, long fence) {
        return publish(channelNamed(channel).route(), data, idempotencyKey, fence);
    }

    /**
     * What a feed that holds its lease with fencing token {@code fence} writes through: the same as this hub,
     * except that a channel a newer leader of the feed wrote to refuses it ({@link
     * io.pushwire.server.broker.FencedException}).
     */
    public FeedSink writerFencedBy(long fence) {
        return new FencedWriter(this, fence);
    }

    /** Publishes on a route, public or a session's {@code $me}, and counts it. */
    Published publish(ChannelRoute route, JsonNode data) {
        return publish(route, data, null, 0);
    }

    /**
     * As {@link #publish(ChannelRoute, JsonNode)}; a repeat of {@code idempotencyKey} publishes nothing, and a
     * feed's write carries its lease's {@code fence} (0: not a feed's).
     */
    Published publish(ChannelRoute route, JsonNode data, String idempotencyKey, long fence) {
        long now = clock.millis();
        LocalChannel local = mapFor(route.key()).get(route.key().key());
        if (local != null) {
            local.touch(now);
        }
        Publication publication = broker.publish(route.key(), data, now, idempotencyKey, fence);
        if (publication.repeated()) {
            return new Published(route.name(), publication.seq(), local == null ? 0 : local.subscriberCount(), true);
        }
        if (!route.key().isInbox() && (local == null || local.retiring())) {
            // The sweep retired the channel since the lookup, and the broker made its stream anew for this
            // publish: without an entry here no sweep would ever drop that stream. compute, not
            // computeIfAbsent, so as to wait for a sweep still inside its map operation on the key.
            local = channels.compute(route.name(), (name, existing) -> existing != null ? existing : created(route));
        }
        int subscribers = local == null ? 0 : local.subscriberCount();
        counters.eventPublished(subscribers);
        return new Published(route.name(), publication.seq(), subscribers);
    }

    /**
     * Tells the subscribers of a feed's channel that its source is down ({@code stale}) or back; a change
     * only, repeating the same state sends nothing. Returns whether it changed.
     */
    @Override
    public boolean markStale(String channel, boolean stale, String reason) {
        return markStale(channel, stale, reason, 0);
    }

    boolean markStale(String channel, boolean stale, String reason, long fence) {
        return broker.markStale(channelNamed(channel).route().key(), stale, reason, fence);
    }

    /**
     * Announces that a feed's channel lost events upstream: a {@code gap} with reason {@code upstream}
     * takes the next seq, so subscribers (and replays) see it where the events would have been.
     */
    @Override
    public Published announceUpstreamGap(String channel) {
        return announceUpstreamGap(channel, 0);
    }

    Published announceUpstreamGap(String channel, long fence) {
        LocalChannel local = channelNamed(channel);
        Publication gap = broker.publishGap(local.route().key(), GapReason.UPSTREAM, clock.millis(), fence);
        return new Published(channel, gap.seq(), local.subscriberCount());
    }

    /** The data of a channel's latest event (for a feed that takes over and continues after its last leader). */
    public Optional<JsonNode> latestEventData(String channel) {
        String latest = broker.read(channelNamed(channel).route().key(), null).latest();
        return latest == null ? Optional.empty() : Optional.of(((Event) codec.decodeOne(latest)).data());
    }

    /**
     * Publishes on behalf of an application (the HTTP API). Refused with {@code forbidden}: a feed's
     * namespace, where a foreign event would pass for market data, and {@code $} channels, which belong
     * to one session each.
     */
    public Published publishExternal(String channel, JsonNode data) {
        return publishExternal(channel, data, null);
    }

    /**
     * As {@link #publishExternal(String, JsonNode)}: a repeat of {@code idempotencyKey} (when not null) on
     * the channel within {@link io.pushwire.server.broker.Broker#IDEMPOTENCY_WINDOW_MS} publishes nothing
     * and answers with the first publish's seq.
     */
    public Published publishExternal(String channel, JsonNode data, String idempotencyKey) {
        Channels.requireValid(channel);
        if (channel.startsWith("$")) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "channel '" + channel
                    + "' is private to a session; push to a session instead", null, null);
        }
        if (feedNamespaces.contains(namespaceOf(channel))) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "namespace '" + namespaceOf(channel)
                    + "' belongs to a feed; publish to another namespace", null, null);
        }
        return publish(channelNamed(channel).route(), data, idempotencyKey, 0);
    }

    /**
     * The route of the channel a client may subscribe to under this name, created if needed; empty when
     * there is none (an unknown name in a feed's namespace). Over the channel cap, {@code limit_exceeded}.
     */
    Optional<ChannelRoute> route(String name) {
        LocalChannel existing = channels.get(name);
        if (existing != null) {
            return Optional.of(existing.route());
        }
        if (feedNamespaces.contains(namespaceOf(name))) {
            return Optional.empty();
        }
        return Optional.of(channelNamed(name).route());
    }

    /**
     * Joins {@code subscriber} to the channel: it gets the reply, the replay and status its
     * {@code request} asks for, then every live entry after them, with no gap and no duplicate at the
     * seam (see {@link Delivery}). Joining again replaces the subscriber's previous join; {@code previous}
     * (if not null) is replaced in the same step. On a refusal (a {@code since} ahead of the head)
     * nothing changes.
     */
    void join(ChannelRoute route, Subscriber subscriber, Subscribe request, Subscriber previous) {
        Joining joining = attach(route, subscriber, previous);
        try {
            StreamRead read = broker.read(route.key(), request.since());
            JoinPlan plan = JoinPlan.of(route.name(), request, read);
            joining.delivery().completeJoin(read, target -> plan.offerTo(target, codec));
        } catch (RuntimeException refused) {
            if (joining.undo() == null) {
                remove(route, joining.delivery());
            } else {
                joining.delivery().abortJoin(joining.undo());
            }
            throw refused;
        }
    }

    /** A join under way: its delivery, and how to put back what it replaced (null: the delivery is new). */
    private record Joining(Delivery delivery, Delivery.Undo undo) {
    }

    private Joining attach(ChannelRoute route, Subscriber subscriber, Subscriber previous) {
        Joining[] joining = new Joining[1];
        mapFor(route.key()).compute(route.key().key(), (key, existing) -> {
            LocalChannel local = existing != null ? existing : created(route);
            local.touch(clock.millis());
            Delivery own = local.find(subscriber);
            Delivery replaced = previous == null || previous == subscriber ? null : local.find(previous);
            Delivery reused = own != null ? own : replaced;
            if (reused == null && local.subscriberCount() == 0) {
                // The node's subscription first: a shared broker that cannot be reached throws here, and then
                // nothing has changed (no delivery left waiting for a join that never completes).
                subscribeOrForget(local, existing == null);
            }
            if (own != null && replaced != null) {
                removeFrom(local, replaced);
            }
            if (reused != null) {
                joining[0] = new Joining(reused, reused.beginJoin(subscriber));
            } else {
                Delivery delivery = new Delivery(subscriber);
                local.add(delivery);
                joining[0] = new Joining(delivery, null);
            }
            return local;
        });
        return joining[0];
    }

    /**
     * Subscribes this node to the channel in the broker; if that fails and the entry was made for this join,
     * gives back its place under the channel cap (the map operation that made it is abandoned).
     */
    private void subscribeOrForget(LocalChannel local, boolean madeForThisJoin) {
        try {
            broker.subscribe(local.route().key());
        } catch (RuntimeException e) {
            if (madeForThisJoin && local.capped()) {
                openChannels.decrementAndGet();
            }
            throw e;
        }
    }

    /** A channel entry made by a join or a publish, when the name was retired since it was routed. */
    private LocalChannel created(ChannelRoute route) {
        boolean capped = !route.key().isInbox() && !feedNamespaces.contains(namespaceOf(route.name()));
        if (capped) {
            openChannels.incrementAndGet();
        }
        return new LocalChannel(route, capped, clock.millis());
    }

    /** Removes {@code subscriber} from the channel; returns whether it was joined. */
    boolean leave(ChannelRoute route, Subscriber subscriber) {
        boolean[] left = {false};
        mapFor(route.key()).computeIfPresent(route.key().key(), (key, local) -> {
            local.touch(clock.millis());
            Delivery delivery = local.find(subscriber);
            left[0] = delivery != null && removeFrom(local, delivery);
            return local;
        });
        return left[0];
    }

    private void remove(ChannelRoute route, Delivery delivery) {
        mapFor(route.key()).computeIfPresent(route.key().key(), (key, local) -> {
            removeFrom(local, delivery);
            return local;
        });
    }

    /** Inside the map operation on the channel's key. */
    private boolean removeFrom(LocalChannel local, Delivery delivery) {
        delivery.stop();
        boolean removed = local.remove(delivery);
        if (removed && local.subscriberCount() == 0) {
            broker.unsubscribe(local.route().key());
        }
        return removed;
    }

    @Override
    public void onPublication(Publication publication) {
        forEachDelivery(publication.channel(), delivery -> delivery.onPublication(publication));
    }

    @Override
    public void onStatus(ChannelStatus status) {
        forEachDelivery(status.channel(), delivery -> delivery.onStatus(status));
    }

    @Override
    public void onUnavailable(ChannelKey channel, String staleFrame) {
        forEachDelivery(channel, delivery -> delivery.onUnavailable(staleFrame));
    }

    @Override
    public void onAvailable(ChannelKey channel, String statusFrame, long statusVersion) {
        forEachDelivery(channel, delivery -> delivery.onAvailable(statusFrame, statusVersion));
    }

    private void forEachDelivery(ChannelKey channel, Consumer<Delivery> action) {
        LocalChannel local = mapFor(channel).get(channel.key());
        if (local != null) {
            for (Delivery delivery : local.deliveries()) {
                action.accept(delivery);
            }
        }
    }

    /**
     * Drops the channels that no feed declared, that no session (attached or waiting for a resume) is
     * subscribed to, and that hold no history and saw no activity for {@code idleMs}. Runs on the timer.
     * Returns how many were dropped.
     *
     * @param inUse channel names some session is subscribed to: kept even while their session is detached,
     *              so that a resume continues in the same epoch
     */
    int retireUnused(Set<String> inUse, long nowMs, long idleMs) {
        int retired = 0;
        for (LocalChannel candidate : channels.values()) {
            String name = candidate.route().name();
            if (!candidate.capped() || inUse.contains(name) || feedNamespaces.contains(namespaceOf(name))) {
                continue;
            }
            boolean[] dropped = {false};
            channels.computeIfPresent(name, (key, local) -> {
                if (!local.idle(nowMs, idleMs)) {
                    return local;
                }
                // Marked before the broker may drop the stream: a publish that took this entry and reaches the
                // broker after the drop (which makes the stream anew) then sees the mark and puts an entry back.
                local.retiring(true);
                dropped[0] = broker.retireIfIdle(local.route().key(), nowMs, idleMs);
                local.retiring(dropped[0]);
                return dropped[0] ? null : local;
            });
            if (dropped[0]) {
                openChannels.decrementAndGet();
                retired++;
            }
        }
        return retired;
    }

    /**
     * Forgets a session's {@code $me}: its history goes with it. Not while a subscriber here reads it: a copy
     * of the session restored from the store on this node (same key) while the expired one was being
     * dropped keeps it. Inside the map operation on its key, so that no join slips in between.
     */
    void removeInbox(ChannelKey inbox) {
        inboxes.compute(inbox.key(), (key, local) -> {
            if (local != null && local.subscriberCount() > 0) {
                return local;
            }
            broker.remove(inbox);
            return null;
        });
    }

    /**
     * Forgets a session's {@code $me} on this node only, keeping its history: another node resumed the session
     * and reads it there. Not while a subscriber here reads it (a copy restored here since).
     */
    void dropInboxHere(ChannelKey inbox) {
        inboxes.computeIfPresent(inbox.key(), (key, local) -> local.subscriberCount() > 0 ? local : null);
    }

    /** Number of public channels. */
    public int channelCount() {
        return channels.size();
    }

    /** Current head seq of a channel, or 0 when it does not exist. */
    public long head(String channel) {
        LocalChannel existing = channels.get(channel);
        return existing == null ? 0 : broker.read(existing.route().key(), null).head();
    }

    /** The epoch a channel (public or {@code $me}) is in now. */
    String epoch(ChannelKey channel) {
        return broker.read(channel, null).epoch();
    }

    /** Subscribers of a channel (public or {@code $me}) on this node. */
    int subscriberCount(ChannelKey channel) {
        LocalChannel existing = mapFor(channel).get(channel.key());
        return existing == null ? 0 : existing.subscriberCount();
    }

    /** Names of the declared feed namespaces. */
    public Set<String> feedNamespaces() {
        return Set.copyOf(feedNamespaces);
    }

    /** The broker this hub routes for. */
    Broker broker() {
        return broker;
    }

    /** The channel with this name, created if it is new and the cap allows. */
    private LocalChannel channelNamed(String name) {
        LocalChannel existing = channels.get(Channels.requireValid(name));
        if (existing != null) {
            return existing;
        }
        if (feedNamespaces.contains(namespaceOf(name))) {
            return channels.computeIfAbsent(name, n -> new LocalChannel(routeOf(n), false, clock.millis()));
        }
        // Reserve a place first, so concurrent creators cannot overshoot the cap together.
        if (openChannels.incrementAndGet() > maxChannels) {
            openChannels.decrementAndGet();
            LocalChannel raced = channels.get(name);
            if (raced != null) {
                return raced;
            }
            counters.limitExceeded();
            throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "the server has " + maxChannels
                    + " channels, its limit (pushwire.limits.max-channels); channel '" + name
                    + "' cannot be created until unused ones are retired", null, null);
        }
        boolean[] created = {false};
        LocalChannel channel = channels.computeIfAbsent(name, n -> {
            created[0] = true;
            return new LocalChannel(routeOf(n), true, clock.millis());
        });
        if (!created[0]) {
            openChannels.decrementAndGet();
        }
        return channel;
    }

    private ChannelRoute routeOf(String name) {
        return new ChannelRoute(ChannelKey.of(name), rules.policyFor(name));
    }

    private ConcurrentHashMap<String, LocalChannel> mapFor(ChannelKey key) {
        return key.isInbox() ? inboxes : channels;
    }

    static String namespaceOf(String channel) {
        int dot = channel.indexOf('.');
        return dot < 0 ? channel : channel.substring(0, dot);
    }
}
