package io.pushwire.server.broker.redis;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.Status;
import io.pushwire.server.broker.BrokerListener;
import io.pushwire.server.broker.BrokerUnavailableException;
import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.broker.ChannelStatus;
import io.pushwire.server.broker.Publication;
import io.pushwire.server.broker.StreamRead;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's side of Redis pub/sub: one Redis subscription per channel the node listens to, and the
 * hand-over of what arrives on it to the node's {@link BrokerListener}, in seq order with no hole and no
 * repeat.
 *
 * <p>Pub/sub delivers at most once: a message can be lost (a reconnect, an output buffer limit), and
 * then the stream in Redis still has the entry. So every entry's seq is checked against the last one
 * handed on; on a jump the missing entries are read from the stream first ({@link #repair}), and only
 * what the stream no longer holds becomes a {@code history_expired} gap. A periodic check compares each
 * channel's head in Redis with what was handed on, for a lost tail that no later message would reveal.
 *
 * <p>An entry that comes next in its channel, with nothing of the channel queued before it, is handed on
 * at once on the thread it arrived on, Lettuce's event loop, and this node's own publish on the
 * publishing thread as soon as Redis numbered it: the usual case costs no hop to another thread. Everything else (a jump, a status, another epoch, a channel in repair) goes to one fan-out
 * thread, in arrival order, which does the reads a repair needs: the event loop must never wait for
 * Redis. Subscribing waits for that thread, so that a subscriber's own read of the stream comes after
 * the node's subscription is in place.
 */
final class PubSubFanout extends RedisPubSubAdapter<String, String> implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PubSubFanout.class.getName());
    /** What subscribers read in the {@code status stale:true} of an outage. */
    static final String OUTAGE_REASON = "broker unavailable";

    /** How a node subscribes in Redis: classic pub/sub, or sharded on a Redis Cluster. */
    interface PubSubCommands {
        void subscribe(String channel);

        /** Completes when Redis confirmed it; fails when the command did not reach Redis. */
        CompletionStage<?> unsubscribe(String channel);
    }

    private final RedisKeys keys;
    private final FrameCodec codec;
    private final BiFunction<ChannelKey, Position, StreamRead> reader;
    private final HeadCheck headCheck;
    private final long checkIntervalMs;
    private final long waitMs;
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    /** Channels of this node's own messages (not channels' entries), with who reads them, on the event loop. */
    private final Map<String, Consumer<String>> controls = new ConcurrentHashMap<>();
    /** Control channels not subscribed in Redis yet (Redis was not reachable); the fan-out thread's only. */
    private final Set<String> controlsToSubscribe = new HashSet<>();
    /** By pub/sub channel name; only the fan-out thread changes it. */
    private final Map<String, ListenedChannel> listened = new ConcurrentHashMap<>();
    /**
     * Pub/sub channels left while Redis could not hear the unsubscribe: Lettuce still counts them as
     * subscribed and would subscribe them again when it reconnects. The fan-out thread's only.
     */
    private final Set<String> leftUnheard = new HashSet<>();
    private final Thread thread;
    private volatile PubSubCommands commands;
    /** Entries handed on by repairs: what pub/sub lost and the stream still held. */
    private final LongAdder repaired = new LongAdder();
    /** Why Redis is unreachable, while it is; the fan-out thread writes it. */
    private volatile String downReason;
    private volatile BrokerListener listener;
    private volatile boolean closed;
    /** The fan-out thread's: when the head check last counted as use. */
    private long touchedAtNanos = System.nanoTime();

    /**
     * Reads the heads of many channels at once, and with {@code touch} counts that as use of them (so that
     * no node retires or expires a channel this node listens to); an absent channel maps to null.
     */
    interface HeadCheck {
        Map<ChannelKey, Head> heads(List<ChannelKey> channels, boolean touch);
    }

    /**
     * How often the head check also counts as use of the channels listened to: well below the hub's 60 s
     * idle time before a channel is retired, and far below {@code pushwire.redis.channel-ttl-ms}.
     */
    static final long TOUCH_INTERVAL_MS = 20_000;

    /** Where a channel's stream is in Redis. */
    record Head(String epoch, long seq, long statusVersion) {
    }

    PubSubFanout(RedisKeys keys, FrameCodec codec, BiFunction<ChannelKey, Position, StreamRead> reader,
                 HeadCheck headCheck, long checkIntervalMs, long waitMs) {
        this.keys = keys;
        this.codec = codec;
        this.reader = reader;
        this.headCheck = headCheck;
        this.checkIntervalMs = checkIntervalMs;
        this.waitMs = waitMs;
        this.thread = Thread.ofPlatform().daemon().name("pushwire-redis-fanout").unstarted(this::run);
    }

    /**
     * Starts handing entries to {@code listener}. Messages come to this object as the pub/sub connection's
     * listener, registered when the connection was made.
     */
    void start(BrokerListener listener, PubSubCommands commands) {
        this.listener = listener;
        this.commands = commands;
        thread.start();
    }

    /** Listens to the channel in Redis; returns once the subscription is in place and its head is known. */
    void listen(ChannelKey channel) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                String name = keys.pubsub(channel);
                leftUnheard.remove(name);
                commands.subscribe(name);
                ListenedChannel state = new ListenedChannel(channel);
                StreamRead baseline = reader.apply(channel, null);
                state.lock.lock();
                try {
                    state.epoch = baseline.epoch();
                    state.lastSeq = baseline.head();
                    state.statusVersion = baseline.status().version();
                } finally {
                    state.lock.unlock();
                }
                listened.put(name, state);
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        await(done, "subscribing to " + channel.key());
    }

    /**
     * Listens to a channel of this node's own messages for as long as the node runs; {@code reader} gets each
     * on Lettuce's event loop, so it must not wait. Subscribed as soon as Redis answers, and again by Lettuce
     * after each reconnect.
     */
    void listenControl(String channel, Consumer<String> reader) {
        controls.put(channel, reader);
        tasks.add(() -> {
            controlsToSubscribe.add(channel);
            subscribeControls();
        });
    }

    private void subscribeControls() {
        for (String channel : List.copyOf(controlsToSubscribe)) {
            try {
                commands.subscribe(channel);
                controlsToSubscribe.remove(channel);
            } catch (RuntimeException notYet) {
                LOG.log(Level.FINE, "subscribing to " + channel + " failed, trying again at the next check: " + notYet);
            }
        }
    }

    /** Stops listening to the channel (after what is queued for it). */
    void forget(ChannelKey channel) {
        tasks.add(() -> {
            String name = keys.pubsub(channel);
            ListenedChannel state = listened.remove(name);
            if (state != null) {
                state.lock.lock();
                try {
                    state.forgotten = true;
                } finally {
                    state.lock.unlock();
                }
                unsubscribe(name);
            }
        });
    }

    /** Unsubscribes in Redis; when that cannot reach Redis now, again after each head check until it does. */
    private void unsubscribe(String name) {
        try {
            commands.unsubscribe(name).whenComplete((confirmed, failed) -> {
                if (failed != null) {
                    tasks.add(() -> {
                        if (!listened.containsKey(name)) {
                            leftUnheard.add(name);
                        }
                    });
                }
            });
        } catch (RuntimeException notConnected) {
            leftUnheard.add(name);
        }
    }

    /** Another try at the unsubscribes Redis did not hear, now that it answers. */
    private void retryUnheardUnsubscribes() {
        List<String> names = List.copyOf(leftUnheard);
        leftUnheard.clear();
        names.forEach(this::unsubscribe);
    }

    @Override
    public void message(String channel, String message) {
        arrived(channel, message);
    }

    @Override
    public void smessage(String shardChannel, String message) {
        arrived(shardChannel, message);
    }

    /** On Lettuce's event loop: hands the message on now if it is its channel's next entry, else queues it. */
    private void arrived(String pubsubChannel, String message) {
        Consumer<String> control = controls.get(pubsubChannel);
        if (control != null) {
            control.accept(message);
            return;
        }
        ListenedChannel state = listened.get(pubsubChannel);
        if (state != null && handIfNext(state, message)) {
            return;
        }
        if (state != null) {
            state.queued.incrementAndGet();
        }
        tasks.add(() -> {
            try {
                onMessage(pubsubChannel, message);
            } finally {
                if (state != null) {
                    state.queued.decrementAndGet();
                }
            }
        });
    }

    /**
     * This node's own publish, handed on to its subscribers at once rather than when pub/sub brings it
     * back, if it is the channel's next entry: nothing before it in Redis (no entry, no status of version
     * above {@code statusVersion}) is still to be handed on. Otherwise pub/sub brings it, in order.
     */
    void handPublished(Publication publication, long statusVersion) {
        ListenedChannel state = listened.get(keys.pubsub(publication.channel()));
        if (state == null || downReason != null || state.queued.get() > 0 || !state.lock.tryLock()) {
            return;
        }
        try {
            if (!state.forgotten && publication.epoch().equals(state.epoch) && publication.seq() == state.lastSeq + 1
                    && statusVersion == state.statusVersion) {
                hand(state, publication);
            }
        } finally {
            state.lock.unlock();
        }
    }

    /**
     * Hands on an entry that is the channel's next, or drops one handed on already; false leaves the message
     * to the fan-out thread. Only the event loop queues a channel's messages, so with none queued nothing
     * that arrived before this one is still to be handed on.
     */
    private boolean handIfNext(ListenedChannel state, String message) {
        if (downReason != null || state.queued.get() > 0 || !state.lock.tryLock()) {
            return false;
        }
        try {
            if (state.forgotten || message.isEmpty() || message.charAt(0) == 's') {
                return false;
            }
            Announcement announced = Announcement.parse(message);
            if (!announced.epoch().equals(state.epoch) || announced.number() > state.lastSeq + 1) {
                return false;
            }
            if (announced.number() == state.lastSeq + 1) {
                hand(state, new Publication(state.channel, state.epoch, announced.number(), announced.frame(),
                        announced.kind() == 'e'));
            }
            return true;
        } catch (IllegalArgumentException malformed) {
            return false; // the fan-out thread reports it
        } finally {
            state.lock.unlock();
        }
    }

    /** Entries handed on by repairs since start (some were only late, not lost: pub/sub was slower than the read). */
    long repairedEntries() {
        return repaired.sum();
    }

    /** Checks every listened channel's head now (after what is queued), as the periodic check does. */
    void checkSoon() {
        tasks.add(this::checkHeads);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    private void run() {
        long nextCheck = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(checkIntervalMs);
        while (!closed) {
            try {
                Runnable task = tasks.poll(Math.max(0, nextCheck - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (task != null) {
                    task.run();
                }
                if (System.nanoTime() - nextCheck >= 0) {
                    nextCheck = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(checkIntervalMs);
                    checkHeads();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // Redis unreachable for a repair's read: the channel stays where it was, and the next message
                // or check repairs from there.
                LOG.log(Level.FINE, "redis fan-out: " + e, e);
                markDown(e);
            }
        }
    }

    private void onMessage(String pubsubChannel, String message) {
        ListenedChannel state = listened.get(pubsubChannel);
        if (state == null) {
            return; // no longer listened to, or a message from before the subscription was in place
        }
        Announcement announced;
        try {
            announced = Announcement.parse(message);
        } catch (IllegalArgumentException malformed) {
            // Not written by our scripts (someone published on our pub/sub channel): nothing to hand on, and
            // no reason to doubt Redis.
            LOG.log(Level.WARNING, "redis fan-out: ignored on " + pubsubChannel + ": " + malformed.getMessage());
            return;
        }
        state.lock.lock();
        try {
            onAnnouncement(state, announced);
        } finally {
            state.lock.unlock();
        }
    }

    /** Guarded by the state's lock. */
    private void onAnnouncement(ListenedChannel state, Announcement announced) {
        if (!announced.epoch().equals(state.epoch)) {
            repair(state);
            return;
        }
        if (announced.isStatus()) {
            if (announced.number() > state.statusVersion) {
                state.statusVersion = announced.number();
                listener.onStatus(new ChannelStatus(state.channel, announced.number(), announced.stale(), announced.frame()));
            }
            return;
        }
        if (announced.number() <= state.lastSeq) {
            return;
        }
        if (announced.number() > state.lastSeq + 1) {
            repair(state);
            return;
        }
        hand(state, new Publication(state.channel, state.epoch, announced.number(), announced.frame(),
                announced.kind() == 'e'));
    }

    /**
     * Guarded by the state's lock. Reads the channel's stream after what was handed on and hands on
     * everything up to its head: what pub/sub lost, in order. In another epoch (Redis lost the channel) it starts over with what the new
     * epoch holds; what the stream no longer holds is a {@code history_expired} gap.
     */
    private ChannelStatus repair(ListenedChannel state) {
        StreamRead read = reader.apply(state.channel, new Position(state.lastSeq, state.epoch));
        boolean sameEpoch = read.epoch().equals(state.epoch);
        if (!sameEpoch) {
            // Redis lost the channel (restarted empty, or the channel expired): positions in the old epoch mean
            // nothing now. Subscribers learn it from an epoch_changed gap, covering what the new epoch no
            // longer holds (1..0 when it holds everything), before its entries.
            state.epoch = read.epoch();
            state.statusVersion = 0;
            long before = Math.min(read.firstHeld(), read.head() + 1) - 1;
            String gap = codec.encode(new Gap(state.channel.name(), 1, before, GapReason.EPOCH_CHANGED));
            state.lastSeq = 0;
            hand(state, new Publication(state.channel, state.epoch, before, gap, false));
        }
        long firstMissing = state.lastSeq + 1;
        long lostUpTo = Math.min(read.firstHeld(), read.head() + 1) - 1;
        if (sameEpoch && lostUpTo >= firstMissing) {
            String gap = codec.encode(new Gap(state.channel.name(), firstMissing, lostUpTo, GapReason.HISTORY_EXPIRED));
            hand(state, new Publication(state.channel, state.epoch, lostUpTo, gap, false));
        }
        for (Publication entry : read.entries()) {
            if (entry.seq() > state.lastSeq) {
                hand(state, entry);
                repaired.increment();
            }
        }
        state.lastSeq = Math.max(state.lastSeq, read.head());
        ChannelStatus status = read.status();
        if (status.version() > state.statusVersion) {
            state.statusVersion = status.version();
            listener.onStatus(status);
        }
        return status;
    }

    /** Guarded by the state's lock. */
    private void hand(ListenedChannel state, Publication publication) {
        state.lastSeq = publication.seq();
        listener.onPublication(publication);
    }

    /**
     * Why Redis cannot be reached, while the last check or read failed; empty while it answers. A node
     * listening to nothing checks with a head check of nothing, which still needs an answer.
     */
    Optional<String> downReason() {
        return Optional.ofNullable(downReason);
    }

    /**
     * Redis stopped answering: every listened channel's subscribers are told ({@code status stale:true})
     * once, until {@link #recover} tells them it is back.
     */
    private void markDown(RuntimeException cause) {
        if (downReason != null) {
            return;
        }
        downReason = String.valueOf(cause.getMessage());
        LOG.log(Level.WARNING, "redis unavailable, channels marked stale until it is back: " + downReason);
        for (ListenedChannel state : listened.values()) {
            state.lock.lock();
            try {
                listener.onUnavailable(state.channel, codec.encode(new Status(state.channel.name(), true, OUTAGE_REASON)));
            } finally {
                state.lock.unlock();
            }
        }
    }

    /** Redis answers again: each channel is repaired (what pub/sub lost meanwhile), then its status told. */
    private void recover() {
        List<ListenedChannel> states = List.copyOf(listened.values());
        List<ChannelStatus> statuses = new ArrayList<>(states.size());
        for (ListenedChannel state : states) {
            state.lock.lock();
            try {
                statuses.add(repair(state));
            } finally {
                state.lock.unlock();
            }
        }
        downReason = null;
        LOG.log(Level.INFO, "redis available again; " + states.size() + " channels repaired");
        for (int i = 0; i < states.size(); i++) {
            ChannelStatus status = statuses.get(i);
            ListenedChannel state = states.get(i);
            String frame = status.stale() ? status.encoded() : codec.encode(new Status(state.channel.name(), false, null));
            state.lock.lock();
            try {
                listener.onAvailable(state.channel, frame, status.version());
            } finally {
                state.lock.unlock();
            }
        }
    }

    /** A lost tail shows as a head ahead of what was handed on, at two checks in a row. */
    private void checkHeads() {
        List<ListenedChannel> states = List.copyOf(listened.values());
        Map<ChannelKey, Head> heads;
        try {
            boolean touch = System.nanoTime() - touchedAtNanos >= TimeUnit.MILLISECONDS.toNanos(TOUCH_INTERVAL_MS);
            heads = headCheck.heads(states.stream().map(state -> state.channel).toList(), touch);
            if (touch) {
                touchedAtNanos = System.nanoTime();
            }
            if (downReason != null) {
                recover();
                retryUnheardUnsubscribes();
                return;
            }
        } catch (RuntimeException unreachable) {
            markDown(unreachable);
            return;
        }
        if (!leftUnheard.isEmpty()) {
            retryUnheardUnsubscribes();
        }
        if (!controlsToSubscribe.isEmpty()) {
            subscribeControls();
        }
        for (ListenedChannel state : states) {
            Head head = heads.get(state.channel);
            state.lock.lock();
            try {
                boolean behind = head == null || !head.epoch().equals(state.epoch)
                        || head.statusVersion() > state.statusVersion
                        || (state.suspectHead > state.lastSeq && head.seq() >= state.suspectHead);
                if (behind) {
                    state.suspectHead = 0;
                    repair(state);
                } else {
                    state.suspectHead = head.seq() > state.lastSeq ? head.seq() : 0;
                }
            } finally {
                state.lock.unlock();
            }
        }
    }

    private void await(CompletableFuture<Void> done, String what) {
        try {
            done.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            // The fan-out thread is stuck on a slow Redis; the subscription may still be made later, and is
            // then undone by the next unsubscribe or kept harmlessly until then.
            throw new BrokerUnavailableException("redis did not answer within " + waitMs + " ms while " + what,
                    true, e);
        }
    }
}
