package io.pushwire.server.broker.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.Status;
import io.pushwire.server.broker.Broker;
import io.pushwire.server.broker.BrokerListener;
import io.pushwire.server.broker.BrokerUnavailableException;
import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.broker.ChannelStatus;
import io.pushwire.server.broker.Epochs;
import io.pushwire.server.broker.FencedException;
import io.pushwire.server.broker.HistorySettings;
import io.pushwire.server.broker.LeaseStore;
import io.pushwire.server.broker.Publication;
import io.pushwire.server.broker.SharedBuckets;
import io.pushwire.server.broker.StreamRead;
import io.pushwire.server.store.SessionStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The broker of a cluster: every channel's epoch, seq, history and status in Redis, shared by all nodes.
 * A publish is one Lua script per channel that numbers the entry, appends it to the channel's stream
 * (the seq is its id; {@code MAXLEN} is the history size) and publishes it to the nodes listening; a
 * read is one script too, so that head, history and status are one consistent picture.
 *
 * <p>A node listens to a channel in Redis only while it has a local subscriber ({@link PubSubFanout}),
 * through one pub/sub connection; commands share one other connection. Both reconnect by themselves.
 */
public final class RedisBroker implements Broker {
    private static final Logger LOG = Logger.getLogger(RedisBroker.class.getName());
    private final RedisBrokerSettings settings;
    private final FrameCodec codec;
    private final InstantSource clock;
    private final HistorySettings channelHistory;
    private final HistorySettings inboxHistory;
    private final RedisKeys keys;
    /** host:port, for messages: never the URI, which may hold a password. */
    private final String address;
    private final RedisScript publishScript = RedisScript.named("publish");
    private final RedisScript readScript = RedisScript.named("read");
    private final RedisScript statusScript = RedisScript.named("status");
    private final RedisScript retireScript = RedisScript.named("retire");
    private final RedisScript touchScript = RedisScript.named("touch");
    /** This node's subscribe calls per channel key not yet undone. */
    private final ConcurrentHashMap<String, Integer> nodeSubscriptions = new ConcurrentHashMap<>();
    private final PubSubFanout fanout;
    private final RedisLeaseStore leases;
    private volatile RedisLink link;
    private volatile boolean started;
    private volatile boolean closed;
    /** Why the last attempt to connect failed, while none succeeded. */
    private volatile String connectError = "not tried yet";

    public RedisBroker(RedisBrokerSettings settings, FrameCodec codec, InstantSource clock,
                       HistorySettings channelHistory, HistorySettings inboxHistory) {
        this.settings = settings;
        this.codec = codec;
        this.clock = clock;
        this.channelHistory = channelHistory;
        this.inboxHistory = inboxHistory;
        this.keys = new RedisKeys(settings.keyPrefix());
        this.address = RedisLink.addressOf(settings.uri());
        this.leases = new RedisLeaseStore(() -> link().sync(), keys, this::call);
        this.fanout = new PubSubFanout(keys, codec, this::read, this::heads, settings.checkIntervalMs(),
                settings.commandTimeoutMs() * 2);
    }

    /**
     * Connects to Redis (both connections; a Redis Cluster when {@code pushwire.redis.uri} lists several
     * seeds) and loads the scripts. When Redis cannot be reached yet, the broker starts anyway and keeps
     * trying every second: meanwhile every call fails with {@link BrokerUnavailableException} and
     * {@link #unavailable} says why, so a node started during a Redis outage is up but not ready.
     */
    @Override
    public void start(BrokerListener listener) {
        if (started) {
            throw new IllegalStateException("the broker was already started");
        }
        started = true;
        fanout.start(listener, new PubSubFanout.PubSubCommands() {
            @Override
            public void subscribe(String channel) {
                link().subscribe(channel);
            }

            @Override
            public CompletionStage<?> unsubscribe(String channel) {
                return link().unsubscribe(channel);
            }
        });
        if (!tryConnect()) {
            LOG.log(Level.WARNING, "redis at " + address + " (pushwire.redis.uri) cannot be reached: " + connectError
                    + "; retrying every second, not ready meanwhile");
            Thread.ofVirtual().name("pushwire-redis-connect").start(() -> {
                while (!closed && !tryConnect()) {
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (!closed) {
                    LOG.log(Level.INFO, "redis at " + address + " reached");
                }
            });
        }
    }

    /** One attempt to connect and load the scripts; the link is used only once it is ready. */
    private boolean tryConnect() {
        try {
            // A connection that dropped or came back: check at once rather than at the next interval, so that
            // subscribers hear of the outage, and of the repair, without waiting.
            RedisLink made = RedisLink.connect(settings.uri(), Duration.ofMillis(settings.commandTimeoutMs()), fanout,
                    fanout::checkSoon);
            try {
                for (RedisScript script : List.of(publishScript, readScript, statusScript, retireScript, touchScript)) {
                    script.load(made.sync());
                }
            } catch (RedisException e) {
                made.close();
                throw e;
            }
            if (closed) {
                made.close();
                return true;
            }
            link = made;
            fanout.checkSoon();
            return true;
        } catch (RedisException e) {
            connectError = e.getMessage();
            return false;
        }
    }

    /** The connections, or {@link BrokerUnavailableException} while Redis was never reached. */
    private RedisLink link() {
        RedisLink current = link;
        if (current == null) {
            throw new BrokerUnavailableException("redis at " + address + " is not connected yet: " + connectError,
                    false, null);
        }
        return current;
    }

    @Override
    public Publication publish(ChannelKey channel, JsonNode data, long timestampMs, String idempotencyKey,
                               long fence) {
        return append(channel, FrameTemplate.event(codec, channel.name(), timestampMs, data), timestampMs,
                idempotencyKey, fence);
    }

    @Override
    public Publication publishGap(ChannelKey channel, String reason, long timestampMs, long fence) {
        return append(channel, FrameTemplate.gap(codec, channel.name(), reason), timestampMs, null, fence);
    }

    @Override
    public LeaseStore leases() {
        return leases;
    }

    /** While Redis is known to be unreachable, a call fails at once rather than after the timeout. */
    @Override
    public Optional<SharedBuckets> sharedBuckets() {
        return Optional.of((key, configuration) -> {
            unavailable().ifPresent(reason -> {
                throw new BrokerUnavailableException(reason, false, null);
            });
            return call("taking a token of " + key, () -> link().buckets().builder()
                    .build(keys.bucket(key), () -> configuration).tryConsumeAndReturnRemaining(1));
        });
    }

    /**
     * Sessions' records in this Redis, over the broker's command connection: what lets a client resume on
     * any node. Detached records expire {@code ttlMs} after detaching, by {@code clock}; this node is
     * {@code node} in them, and listens on its own channel for other nodes asking it to let go of a session.
     */
    public SessionStore sessionStore(InstantSource clock, long ttlMs, String node) {
        RedisSessionStore store = new RedisSessionStore(this::link, keys, this::call, clock, ttlMs, node);
        fanout.listenControl(keys.node(node), store::onNodeMessage);
        return store;
    }

    private Publication append(ChannelKey channel, FrameTemplate frame, long timestampMs, String idempotencyKey,
                               long fence) {
        HistorySettings history = historyOf(channel);
        String[] scriptKeys = idempotencyKey == null ? channelKeys(channel)
                : new String[] {keys.meta(channel), keys.stream(channel), keys.idempotency(channel, idempotencyKey)};
        String[] args = {keys.pubsub(channel), Epochs.next(),
                Long.toString(timestampMs), Integer.toString(history.size()), Long.toString(Math.max(1, history.ttlMs())),
                Long.toString(metaTtlMs(history)), frame.kind(), frame.before(), frame.between(), frame.after(),
                link().publishCommand(), Long.toString(fence), Long.toString(IDEMPOTENCY_WINDOW_MS)};
        return call("publishing to " + channel.key(), () -> publishAndHand(channel, frame, scriptKeys, args));
    }

    /**
     * Runs the publish script and hands the new entry to this node's subscribers as soon as the reply
     * arrives, on Lettuce's event loop, as pub/sub entries are (see {@link PubSubFanout#handPublished}).
     * The calling thread only waits for the result: a virtual thread whose wait ends is queued for a
     * carrier behind whatever else runs (under fan-out, the writers of every connection), and the
     * subscribers no longer wait with it. A Redis that forgot the script gets it again on the waiting path.
     */
    private Publication publishAndHand(ChannelKey channel, FrameTemplate frame, String[] scriptKeys, String[] args) {
        if (publishScript.loaded()) {
            CompletableFuture<Publication> handed = publishScript.<List<Object>>start(link().async(),
                    ScriptOutputType.MULTI, scriptKeys, args).toCompletableFuture()
                    .thenApply(reply -> published(channel, frame, reply));
            try {
                return handed.join();
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof RedisNoScriptException)) {
                    throw e.getCause() instanceof RuntimeException cause ? cause : e;
                }
            }
        }
        return published(channel, frame, publishScript.run(link().sync(), ScriptOutputType.MULTI, scriptKeys, args));
    }

    /** The publish script's reply as a publication, handed on to this node's subscribers unless a repeat. */
    private Publication published(ChannelKey channel, FrameTemplate frame, List<Object> reply) {
        long seq = (Long) reply.get(0);
        String epoch = (String) reply.get(1);
        if ((Long) reply.get(2) == 1L) {
            return Publication.repeat(channel, epoch, seq);
        }
        Publication publication = new Publication(channel, epoch, seq, frame.render(seq, epoch), "e".equals(frame.kind()));
        fanout.handPublished(publication, (Long) reply.get(3));
        return publication;
    }

    @Override
    public boolean markStale(ChannelKey channel, boolean stale, String reason, long fence) {
        String encoded = codec.encode(new Status(channel.name(), stale, reason));
        Long changed = call("marking the status of " + channel.key(), () -> statusScript.run(link().sync(),
                ScriptOutputType.INTEGER, channelKeys(channel), Epochs.next(), stale ? "1" : "0",
                reason == null ? "" : reason, encoded, keys.pubsub(channel), link().publishCommand(), Long.toString(clock.millis()),
                Long.toString(metaTtlMs(historyOf(channel))), Long.toString(fence)));
        return changed == 1L;
    }

    @Override
    public StreamRead read(ChannelKey channel, Position since) {
        HistorySettings history = historyOf(channel);
        List<Object> reply = call("reading " + channel.key(), () -> readScript.run(link().sync(), ScriptOutputType.MULTI,
                channelKeys(channel), Epochs.next(), Long.toString(clock.millis()), Long.toString(history.ttlMs()),
                since == null ? "" : since.epoch(), since == null ? "0" : Long.toString(since.seq()),
                Long.toString(metaTtlMs(history))));
        String epoch = (String) reply.get(0);
        long head = (Long) reply.get(1);
        long firstHeld = (Long) reply.get(2);
        String latest = (String) reply.get(3);
        long statusVersion = (Long) reply.get(4);
        ChannelStatus status = statusVersion == 0 ? ChannelStatus.initial(channel)
                : new ChannelStatus(channel, statusVersion, (Long) reply.get(5) == 1L, (String) reply.get(6));
        List<Publication> entries = new ArrayList<>((reply.size() - 7) / 3);
        for (int i = 7; i + 2 < reply.size(); i += 3) {
            entries.add(new Publication(channel, epoch, (Long) reply.get(i + 1), (String) reply.get(i + 2),
                    "e".equals(reply.get(i))));
        }
        return new StreamRead(epoch, head, firstHeld, entries, latest, status);
    }

    @Override
    public void subscribe(ChannelKey channel) {
        // Inside the map operation: a second subscriber of the channel waits until the first's Redis
        // subscription is in place, so neither returns before the channel's entries can reach the node.
        nodeSubscriptions.compute(channel.key(), (key, count) -> {
            if (count == null) {
                call("subscribing to " + channel.key(), () -> {
                    fanout.listen(channel);
                    return null;
                });
                return 1;
            }
            return count + 1;
        });
    }

    @Override
    public void unsubscribe(ChannelKey channel) {
        nodeSubscriptions.computeIfPresent(channel.key(), (key, count) -> {
            if (count > 1) {
                return count - 1;
            }
            fanout.forget(channel);
            return null;
        });
    }

    /**
     * Drops the channel in Redis when nothing would be lost: this node does not listen to it, and no node
     * used it for {@code idleMs} (a listening node counts as using it every
     * {@link PubSubFanout#TOUCH_INTERVAL_MS}, so {@code idleMs} must be well above that).
     */
    @Override
    public boolean retireIfIdle(ChannelKey channel, long nowMs, long idleMs) {
        if (nodeSubscriptions.containsKey(channel.key())) {
            return false;
        }
        Long dropped = call("retiring " + channel.key(), () -> retireScript.run(link().sync(), ScriptOutputType.INTEGER,
                channelKeys(channel), Long.toString(nowMs), Long.toString(idleMs),
                Long.toString(historyOf(channel).ttlMs())));
        return dropped == 1L;
    }

    @Override
    public void remove(ChannelKey channel) {
        call("removing " + channel.key(), () -> link().sync().del(channelKeys(channel)));
    }

    /** Closes both connections; what is in Redis stays there. */
    @Override
    public void close() {
        closed = true;
        fanout.close();
        RedisLink open = link;
        if (open != null) {
            open.close();
        }
    }

    /** The heads of the channels the fan-out listens to, pipelined: one round trip for all of them. */
    private Map<ChannelKey, PubSubFanout.Head> heads(List<ChannelKey> channels, boolean touch) {
        try {
            return headsOnce(channels, touch);
        } catch (RedisNoScriptException forgotten) {
            // Redis restarted and forgot the script: load it again and check once more.
            call("loading scripts", () -> touchScript.load(link().sync()));
            return headsOnce(channels, touch);
        }
    }

    private Map<ChannelKey, PubSubFanout.Head> headsOnce(List<ChannelKey> channels, boolean touch) {
        if (channels.isEmpty()) {
            awaitReply(link().async().ping()); // a node that listens to nothing still learns whether Redis answers
            return Map.of();
        }
        String now = Long.toString(clock.millis());
        List<RedisFuture<List<Object>>> replies = new ArrayList<>(channels.size());
        for (ChannelKey channel : channels) {
            replies.add(touchScript.start(link().async(), ScriptOutputType.MULTI, new String[] {keys.meta(channel)}, now,
                    Long.toString(metaTtlMs(historyOf(channel))), touch ? "1" : "0"));
        }
        Map<ChannelKey, PubSubFanout.Head> heads = new HashMap<>();
        for (int i = 0; i < channels.size(); i++) {
            List<Object> reply = awaitReply(replies.get(i));
            if (reply != null && reply.size() == 3) { // the script's false (nothing held) comes as [null]
                heads.put(channels.get(i), new PubSubFanout.Head((String) reply.get(0), (Long) reply.get(1),
                        (Long) reply.get(2)));
            }
        }
        return heads;
    }

    private <T> T awaitReply(RedisFuture<T> reply) {
        try {
            return reply.get(settings.commandTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RedisNoScriptException forgotten) {
                throw forgotten;
            }
            throw unavailable("checking heads", e.getCause());
        } catch (TimeoutException e) {
            throw unavailable("checking heads", e);
        }
    }

    /**
     * Runs a command; Redis unreachable, too slow or not connected becomes {@link BrokerUnavailableException}.
     * A command Redis refused (a script error) is a fault of ours and stays what it is.
     */
    <T> T call(String what, Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisCommandExecutionException refused) {
            if (refused.getMessage() != null && refused.getMessage().startsWith("FENCED")) {
                throw new FencedException(what + ": " + refused.getMessage());
            }
            throw refused;
        } catch (RedisException e) {
            throw unavailable(what, e);
        }
    }

    private BrokerUnavailableException unavailable(String what, Throwable cause) {
        return new BrokerUnavailableException("redis at " + address + " is unavailable (" + what + "): "
                + cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                cause instanceof RedisCommandTimeoutException || cause instanceof TimeoutException, cause);
    }

    @Override
    public long repairedEntries() {
        return fanout.repairedEntries();
    }

    @Override
    public Optional<String> unavailable() {
        if (link == null) {
            return Optional.of("redis at " + address + ": " + (started ? "not connected yet: " + connectError : "not started"));
        }
        return fanout.downReason().map(reason -> "redis at " + address + ": " + reason);
    }

    private String[] channelKeys(ChannelKey channel) {
        return new String[] {keys.meta(channel), keys.stream(channel)};
    }

    private HistorySettings historyOf(ChannelKey channel) {
        return channel.isInbox() ? inboxHistory : channelHistory;
    }

    /** The meta hash outlives history, so that an epoch is never younger than entries of it. */
    private long metaTtlMs(HistorySettings history) {
        return Math.max(settings.channelTtlMs(), Math.max(1, history.ttlMs()));
    }
}
