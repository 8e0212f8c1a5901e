package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.Welcome;
import io.pushwire.server.broker.HistorySettings;
import io.pushwire.server.broker.MemoryBroker;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Channels outside the feeds' namespaces are created by clients and publishers, so the server caps them
 * ({@code max-channels}) and retires the ones nobody uses any more, so that the cap is not filled for good
 * by names that came and went.
 */
class ChannelCapTest {
    private static final long IDLE_MS = 60_000;
    /** Longer than {@link #IDLE_MS}, as by default: an idle channel can still hold history worth resuming into. */
    private static final long HISTORY_TTL_MS = 120_000;

    private final ManualTime time = new ManualTime(1_700_000_000_000L);
    private final ServerCounters counters = new ServerCounters();
    private final Hub hub = TestHubs.memory(time, counters, new HistorySettings(100, HISTORY_TTL_MS),
            ChannelRules.defaults(), 3);
    private final ServerHarness harness = new ServerHarness(time);

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void overTheCapANewChannelIsRefusedWhileExistingOnesKeepWorking() {
        hub.declare("sim.trades.BTC-USDT");
        hub.publish("app.a", TextNode.valueOf("x"));
        hub.publishExternal("app.b", TextNode.valueOf("x"));
        hub.route("app.c").orElseThrow();

        ProtocolException refused = assertThrows(ProtocolException.class,
                () -> hub.publishExternal("app.d", TextNode.valueOf("x")));

        assertEquals(ErrorCode.LIMIT_EXCEEDED, refused.errorCode());
        assertTrue(refused.getMessage().contains("pushwire.limits.max-channels"), refused.getMessage());
        assertEquals(ErrorCode.LIMIT_EXCEEDED, assertThrows(ProtocolException.class,
                () -> hub.route("app.e")).errorCode());
        assertEquals(2L, counters.snapshot().get("limitsExceeded"));
        assertEquals(4, hub.channelCount(), "three client channels and the feed's, which the cap does not count");
        assertEquals(2, hub.publish("app.a", TextNode.valueOf("y")).seq(), "existing channels still take events");
        hub.declare("sim.trades.ETH-USDT");
        assertEquals(5, hub.channelCount(), "a feed declares its channels whatever the cap");
    }

    @Test
    void aChannelIsRetiredOnlyWithoutSubscribersHistoryOrRecentUse() {
        hub.declare("sim.trades.BTC-USDT");
        hub.publish("app.history", TextNode.valueOf("x"));
        ChannelRoute watched = hub.route("app.watched").orElseThrow();
        RecordingSubscriber subscriber = new RecordingSubscriber();
        hub.join(watched, subscriber, Subscribe.of(1, "app.watched"), null);
        hub.route("app.held").orElseThrow();
        Hub roomy = TestHubs.memory(time, counters, new HistorySettings(100, HISTORY_TTL_MS),
                ChannelRules.defaults(), 10);
        roomy.route("app.idle").orElseThrow();

        time.advance(IDLE_MS - 1);
        assertEquals(0, roomy.retireUnused(Set.of(), time.millis(), IDLE_MS), "not idle long enough yet");
        time.advance(1);
        assertEquals(1, roomy.retireUnused(Set.of(), time.millis(), IDLE_MS));
        assertEquals(0, hub.retireUnused(Set.of("app.held"), time.millis(), IDLE_MS),
                "history held, a subscriber, a session's subscription, a feed's channel");

        time.advance(HISTORY_TTL_MS - IDLE_MS + 1); // history keeps an event for ttl, expiring it after
        assertEquals(1, hub.retireUnused(Set.of("app.held"), time.millis(), IDLE_MS), "its history expired");
        hub.route("app.history").orElseThrow();
        assertTrue(hub.head("app.history") == 0, "a new channel under that name");

        hub.leave(watched, subscriber);
        assertEquals(0, hub.retireUnused(Set.of("app.held"), time.millis(), IDLE_MS), "left just now");
        time.advance(IDLE_MS);
        assertEquals(2, hub.retireUnused(Set.of("app.held"), time.millis(), IDLE_MS),
                "the one it left, and the one recreated above that nobody used");
        assertEquals(2, hub.channelCount(), "the feed's and the one a session holds");
    }

    @Test
    void retiringFreesItsPlaceUnderTheCapAndTheNameComesBackInANewEpoch() {
        ChannelRoute first = hub.route("app.a").orElseThrow();
        String firstEpoch = hub.epoch(first.key());
        hub.route("app.b").orElseThrow();
        hub.route("app.c").orElseThrow();
        time.advance(IDLE_MS);

        assertEquals(3, hub.retireUnused(Set.of(), time.millis(), IDLE_MS));

        assertEquals(0, hub.channelCount());
        ChannelRoute again = hub.route("app.a").orElseThrow();
        assertNotSame(first, again);
        assertNotEquals(firstEpoch, hub.epoch(again.key()), "a client with an old position is told epoch_changed");
        hub.route("app.d").orElseThrow();
        hub.route("app.e").orElseThrow();
    }

    @Test
    void aSubscribeThatRacesTheSweepLandsOnTheNewChannel() {
        ChannelRoute swept = hub.route("app.race").orElseThrow();
        String sweptEpoch = hub.epoch(swept.key());
        time.advance(IDLE_MS);
        assertEquals(1, hub.retireUnused(Set.of(), time.millis(), IDLE_MS), "swept after the lookup");
        RecordingSubscriber subscriber = new RecordingSubscriber();

        hub.join(swept, subscriber, Subscribe.of(1, "app.race"), null);

        assertEquals(1, hub.channelCount(), "the join made the channel again");
        assertEquals(1, hub.subscriberCount(swept.key()));
        Subscribed reply = assertInstanceOf(Subscribed.class, subscriber.frames().get(0));
        assertNotEquals(sweptEpoch, reply.epoch(), "in a new epoch");
        assertEquals(1, hub.publish("app.race", TextNode.valueOf("x")).subscribers());
        assertEquals(1, assertInstanceOf(Event.class, subscriber.frames().get(1)).seq());
        assertEquals(ErrorCode.LIMIT_EXCEEDED, assertThrows(ProtocolException.class, () -> {
            hub.route("app.b").orElseThrow();
            hub.route("app.c").orElseThrow();
            hub.route("app.d").orElseThrow();
        }).errorCode(), "the channel the join made counts against the cap");
    }

    @Test
    void aPublishAfterTheSweepLandsInTheNewEpochWhereSubscribersFindIt() {
        ChannelRoute swept = hub.route("app.gone").orElseThrow();
        String sweptEpoch = hub.epoch(swept.key());
        time.advance(IDLE_MS);
        hub.retireUnused(Set.of(), time.millis(), IDLE_MS);

        assertEquals(1, hub.publish("app.gone", TextNode.valueOf("x")).seq(), "by name, a new channel takes it");

        RecordingSubscriber late = new RecordingSubscriber();
        TestHubs.join(hub, late, new Subscribe(2L, "app.gone", new Position(0, sweptEpoch), null, null, null));
        Subscribed reply = assertInstanceOf(Subscribed.class, late.frames().get(0));
        assertNotEquals(sweptEpoch, reply.epoch());
        assertEquals(1, assertInstanceOf(Event.class, late.frames().get(2)).seq(), "replayed after the epoch_changed gap");
    }

    /**
     * A publish that found the channel just before the sweep retired it: the broker makes the stream anew
     * for it, in a new epoch, so the hub must have an entry for it again, or no sweep would ever drop that
     * stream (and it would not count against the cap). Here the sweep runs when the publish reads the clock,
     * between its lookup by name and the broker.
     */
    @Test
    void aChannelPublishedToWhileTheSweepRetiresItIsStillTheHubsToRetire() {
        AtomicReference<Runnable> onNextReading = new AtomicReference<>();
        InstantSource clock = () -> {
            Runnable task = onNextReading.getAndSet(null);
            if (task != null) {
                task.run();
            }
            return time.instant();
        };
        Hub racing = TestHubs.memory(clock, counters, new HistorySettings(100, HISTORY_TTL_MS),
                ChannelRules.defaults(), 3);
        racing.route("app.race").orElseThrow();
        time.advance(IDLE_MS);
        onNextReading.set(() -> assertEquals(1, racing.retireUnused(Set.of(), time.millis(), IDLE_MS)));

        assertEquals(1, racing.publish("app.race", TextNode.valueOf("x")).seq(), "in the stream made anew");

        assertEquals(1, racing.channelCount(), "the channel the publish made again is the hub's");
        time.advance(HISTORY_TTL_MS + 1);
        assertEquals(1, racing.retireUnused(Set.of(), time.millis(), IDLE_MS), "and retired once unused");
    }

    /**
     * As above, but the publish had already taken the hub's entry for the channel when the sweep dropped it
     * (and the broker its stream): the publish must still see that its entry is gone.
     */
    @Test
    void aChannelRetiredUnderAPublishThatHeldItsEntryIsStillTheHubsToRetire() {
        FrameCodec codec = new FrameCodec();
        HistorySettings history = new HistorySettings(100, HISTORY_TTL_MS);
        PausingBroker broker = new PausingBroker(new MemoryBroker(codec, time, history, history));
        Hub racing = new Hub(broker, codec, time, counters, ChannelRules.defaults(), 3);
        racing.route("app.race").orElseThrow();
        // The sweep drops the channel after the publish found its entry, when that entry was last used an
        // idle period before (the publish stalled, or the sweep's look at it came before the publish's).
        broker.beforeNextPublish(() -> {
            time.advance(IDLE_MS);
            assertEquals(1, racing.retireUnused(Set.of(), time.millis(), IDLE_MS));
        });

        assertEquals(1, racing.publish("app.race", TextNode.valueOf("x")).seq(), "in the stream made anew");

        assertEquals(1, racing.channelCount(), "the channel the publish made again is the hub's");
        time.advance(HISTORY_TTL_MS + 1);
        assertEquals(1, racing.retireUnused(Set.of(), time.millis(), IDLE_MS), "and retired once unused");
    }

    @Test
    void aSessionsSubscriptionsKeepTheirChannelsThroughADetachAndTheCapIsAnsweredWithTheRequestId() {
        PushServer server = harness.start(config -> config.maxChannels(2).sessionTtlMs(10 * IDLE_MS)
                .historyTtlMs(HISTORY_TTL_MS));
        FakeTransport transport = harness.transport();
        Connection connection = server.open(transport);
        connection.onText("{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
        transport.awaitFrame(Welcome.class, welcome -> true);
        connection.onText("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"news.kept\"}");
        transport.awaitFrame(Subscribed.class, reply -> Long.valueOf(2).equals(reply.id()));
        connection.onText("{\"type\":\"subscribe\",\"id\":3,\"channel\":\"news.left\"}");
        transport.awaitFrame(Subscribed.class, reply -> Long.valueOf(3).equals(reply.id()));
        connection.onText("{\"type\":\"subscribe\",\"id\":4,\"channel\":\"news.over\"}");
        ErrorFrame refused = transport.awaitFrame(ErrorFrame.class, error -> Long.valueOf(4).equals(error.id()));
        assertEquals(ErrorCode.LIMIT_EXCEEDED, refused.code());
        ChannelRoute kept = server.hub().route("news.kept").orElseThrow();
        String keptEpoch = server.hub().epoch(kept.key());
        connection.onText("{\"type\":\"unsubscribe\",\"id\":5,\"channel\":\"news.left\"}");
        harness.sync(connection, transport);

        connection.onTransportClosed(1006, "gone");
        time.advance(IDLE_MS + HISTORY_TTL_MS);
        server.retireUnusedChannels();

        assertSame(kept, server.hub().route("news.kept").orElseThrow(), "the detached session may resume into it");
        assertEquals(keptEpoch, server.hub().epoch(kept.key()), "in the same epoch");
        assertEquals(1, server.hub().channelCount(), "the channel it left is gone");
        assertEquals(1L, server.counters().snapshot().get("channelsRetired"));
        assertEquals(1L, server.counters().snapshot().get("limitsExceeded"));
    }
}
