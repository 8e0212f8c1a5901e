package io.pushwire.server.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.protocol.Position;
import io.pushwire.server.broker.Broker;
import io.pushwire.server.broker.BrokerListener;
import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.broker.LeaseStore;
import io.pushwire.server.broker.Publication;
import io.pushwire.server.broker.StreamRead;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link Broker} that runs a task once, right before a publish (or a remove, or a subscribe) reaches it. */
final class PausingBroker implements Broker {
    private final Broker delegate;
    private final AtomicReference<Runnable> beforePublish = new AtomicReference<>();
    private final AtomicReference<Runnable> beforeRemove = new AtomicReference<>();
    private final AtomicReference<Runnable> beforeSubscribe = new AtomicReference<>();

    PausingBroker(Broker delegate) {
        this.delegate = delegate;
    }

    void beforeNextPublish(Runnable task) {
        beforePublish.set(task);
    }

    void beforeNextRemove(Runnable task) {
        beforeRemove.set(task);
    }

    /** Runs {@code task} (which may throw, as an unreachable broker does) before the next node subscribe. */
    void beforeNextSubscribe(Runnable task) {
        beforeSubscribe.set(task);
    }

    private static void runOnce(AtomicReference<Runnable> pending) {
        Runnable task = pending.getAndSet(null);
        if (task != null) {
            task.run();
        }
    }

    @Override
    public void start(BrokerListener listener) {
        delegate.start(listener);
    }

    @Override
    public Publication publish(ChannelKey channel, JsonNode data, long timestampMs, String idempotencyKey,
                               long fence) {
        runOnce(beforePublish);
        return delegate.publish(channel, data, timestampMs, idempotencyKey, fence);
    }

    @Override
    public Publication publishGap(ChannelKey channel, String reason, long timestampMs, long fence) {
        return delegate.publishGap(channel, reason, timestampMs, fence);
    }

    @Override
    public boolean markStale(ChannelKey channel, boolean stale, String reason, long fence) {
        return delegate.markStale(channel, stale, reason, fence);
    }

    @Override
    public LeaseStore leases() {
        return delegate.leases();
    }

    @Override
    public StreamRead read(ChannelKey channel, Position since) {
        return delegate.read(channel, since);
    }

    @Override
    public void subscribe(ChannelKey channel) {
        runOnce(beforeSubscribe);
        delegate.subscribe(channel);
    }

    @Override
    public void unsubscribe(ChannelKey channel) {
        delegate.unsubscribe(channel);
    }

    @Override
    public boolean retireIfIdle(ChannelKey channel, long nowMs, long idleMs) {
        return delegate.retireIfIdle(channel, nowMs, idleMs);
    }

    @Override
    public void remove(ChannelKey channel) {
        runOnce(beforeRemove);
        delegate.remove(channel);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
