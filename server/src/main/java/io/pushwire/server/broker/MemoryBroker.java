package io.pushwire.server.broker;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.Position;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The embedded broker: every channel's stream in this process's memory, for one node. An entry is handed
 * to the node's fan-out on the publisher's thread, under its stream's lock, which is what keeps each
 * channel's entries in seq order; the fan-out only enqueues, so a publisher never waits for a client.
 * Nothing survives a restart: a channel used again after one starts a new epoch.
 */
public final class MemoryBroker implements Broker {
    private final FrameCodec codec;
    private final InstantSource clock;
    private final HistorySettings channelHistory;
    private final HistorySettings inboxHistory;
    private final ConcurrentHashMap<String, MemoryStream> streams = new ConcurrentHashMap<>();
    private final MemoryLeaseStore leases;
    private volatile BrokerListener listener;

    /**
     * @param channelHistory how much of each public channel is kept
     * @param inboxHistory   how much of each session's {@code $me} is kept
     */
    public MemoryBroker(FrameCodec codec, InstantSource clock, HistorySettings channelHistory,
                        HistorySettings inboxHistory) {
        this.codec = codec;
        this.clock = clock;
        this.channelHistory = channelHistory;
        this.inboxHistory = inboxHistory;
        this.leases = new MemoryLeaseStore(clock);
    }

    @Override
    public void start(BrokerListener listener) {
        if (this.listener != null) {
            throw new IllegalStateException("the broker was already started");
        }
        this.listener = listener;
    }

    @Override
    public Publication publish(ChannelKey channel, JsonNode data, long timestampMs, String idempotencyKey,
                               long fence) {
        return withStream(channel, stream -> {
            stream.admit(fence);
            Publication first = stream.repeatOf(idempotencyKey, timestampMs);
            if (first != null) {
                return first;
            }
            Publication published = stream.append(timestampMs, true,
                    seq -> codec.encode(new Event(channel.name(), seq, stream.epoch(), timestampMs, data)), listener());
            stream.remember(idempotencyKey, published, timestampMs);
            return published;
        });
    }

    @Override
    public Publication publishGap(ChannelKey channel, String reason, long timestampMs, long fence) {
        return withStream(channel, stream -> {
            stream.admit(fence);
            return stream.append(timestampMs, false, seq -> codec.encode(new Gap(channel.name(), seq, seq, reason)),
                    listener());
        });
    }

    @Override
    public boolean markStale(ChannelKey channel, boolean stale, String reason, long fence) {
        return withStream(channel, stream -> {
            stream.admit(fence);
            return stream.markStale(stale, reason, listener());
        });
    }

    @Override
    public LeaseStore leases() {
        return leases;
    }

    @Override
    public StreamRead read(ChannelKey channel, Position since) {
        return withStream(channel, stream -> stream.read(since, clock.millis()));
    }

    @Override
    public void subscribe(ChannelKey channel) {
        withStream(channel, stream -> {
            stream.nodeSubscribed();
            return null;
        });
    }

    @Override
    public void unsubscribe(ChannelKey channel) {
        underLock(streams.get(channel.key()), MemoryStream::nodeUnsubscribed);
    }

    @Override
    public boolean retireIfIdle(ChannelKey channel, long nowMs, long idleMs) {
        MemoryStream stream = streams.get(channel.key());
        if (stream == null) {
            return true;
        }
        stream.lock();
        try {
            if (stream.isDropped()) {
                return true;
            }
            if (!stream.dropIfIdle(nowMs, idleMs)) {
                return false;
            }
            streams.remove(channel.key(), stream);
            return true;
        } finally {
            stream.unlock();
        }
    }

    @Override
    public void remove(ChannelKey channel) {
        underLock(streams.remove(channel.key()), MemoryStream::drop);
    }

    @Override
    public void close() {
        streams.clear();
    }

    /** Channels with a stream, for tests and health data. */
    int streamCount() {
        return streams.size();
    }

    /**
     * Runs {@code action} on the channel's stream under its lock, creating the stream if there is none. A
     * stream dropped between the lookup and the lock is never written to: the channel is looked up again,
     * and the new stream starts a new epoch.
     */
    private <T> T withStream(ChannelKey channel, Function<MemoryStream, T> action) {
        while (true) {
            MemoryStream stream = streams.computeIfAbsent(channel.key(),
                    key -> new MemoryStream(channel, codec, channel.isInbox() ? inboxHistory : channelHistory,
                            clock.millis()));
            stream.lock();
            try {
                if (!stream.isDropped()) {
                    return action.apply(stream);
                }
            } finally {
                stream.unlock();
            }
        }
    }

    /** Runs {@code action} on a stream under its lock; nothing when there is no stream. */
    private static void underLock(MemoryStream stream, Consumer<MemoryStream> action) {
        if (stream != null) {
            stream.lock();
            try {
                action.accept(stream);
            } finally {
                stream.unlock();
            }
        }
    }

    private BrokerListener listener() {
        BrokerListener current = listener;
        if (current == null) {
            throw new IllegalStateException("the broker was not started");
        }
        return current;
    }
}
