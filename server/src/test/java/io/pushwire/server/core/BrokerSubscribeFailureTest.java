package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.TextNode;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Subscribe;
import io.pushwire.server.broker.BrokerUnavailableException;
import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.broker.HistorySettings;
import io.pushwire.server.broker.MemoryBroker;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

/**
 * A join whose node subscription the broker refuses (a Redis that cannot be reached) leaves nothing behind:
 * no delivery waiting forever for a join that never completes, and the next join subscribes anew.
 */
class BrokerSubscribeFailureTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(1_700_000_000_123L));
    private final HistorySettings history = new HistorySettings(100, 300_000);
    private final FrameCodec codec = new FrameCodec();
    private final PausingBroker broker = new PausingBroker(new MemoryBroker(codec, CLOCK, history, history));
    private final Hub hub = new Hub(broker, codec, CLOCK, new ServerCounters(), ChannelRules.defaults(), 1);

    @Test
    void aRefusedNodeSubscriptionLeavesNoDeliveryAndNoChannelBehind() {
        broker.beforeNextSubscribe(() -> {
            throw new BrokerUnavailableException("redis is down", false, null);
        });
        RecordingSubscriber refused = new RecordingSubscriber();

        assertThrows(BrokerUnavailableException.class, () -> TestHubs.join(hub, refused, Subscribe.of(1, "app.x")));

        assertEquals(0, hub.subscriberCount(ChannelKey.of("app.x")), "no delivery left waiting");
        RecordingSubscriber next = new RecordingSubscriber();
        TestHubs.join(hub, next, Subscribe.of(1, "app.x"));
        hub.publish("app.x", TextNode.valueOf("after"));
        assertEquals(2, next.frames().size(), "the reply, then the event: subscribed in the broker this time");
        assertEquals(0, refused.frames().size());
    }

    @Test
    void aRefusedSubscriptionOnADeclaredChannelLeavesItWithNoSubscriber() {
        hub.declare("sim.trades.X");
        broker.beforeNextSubscribe(() -> {
            throw new BrokerUnavailableException("redis is down", false, null);
        });

        assertThrows(BrokerUnavailableException.class,
                () -> TestHubs.join(hub, new RecordingSubscriber(), Subscribe.of(1, "sim.trades.X")));

        RecordingSubscriber next = new RecordingSubscriber();
        TestHubs.join(hub, next, Subscribe.of(2, "sim.trades.X"));
        hub.publish("sim.trades.X", TextNode.valueOf("trade"));
        assertEquals(2, next.frames().size(), "the node subscribed when the second join came");
    }
}
