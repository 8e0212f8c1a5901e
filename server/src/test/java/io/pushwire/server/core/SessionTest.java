package io.pushwire.server.core;

import java.time.InstantSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.node.IntNode;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.SubscriptionMode;
import io.pushwire.protocol.Subscribe;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Session and SessionRegistry without a connection: an Outbound on a manual executor stands in for it. */
class SessionTest {
    private final FrameCodec codec = new FrameCodec();
    private final Channel one = new Channel("news.one", "EPOCH00001", codec, new ChannelHistory(100, 60_000), InstantSource.system());
    private final Channel two = new Channel("news.two", "EPOCH00002", codec, new ChannelHistory(100, 60_000), InstantSource.system());
    private final FakeTransport transport = new FakeTransport();
    private final List<Runnable> drains = new ArrayList<>();
    private final Outbound outbound = new Outbound(transport, drains::add, (task, delayMs) -> { },
            InstantSource.system(), codec, new OutboundSettings(64, 65_536, 1 << 20), new ServerCounters(), failure -> { });
    private final Session session = new Session("CLIENT", "TOKEN", limiter());

    private static InboundLimiter limiter() {
        return new InboundLimiter(50, 100, 10, io.github.bucket4j.TimeMeter.SYSTEM_MILLISECONDS);
    }

    @Test
    void anAttachedSessionQueuesChannelFramesOnItsOutbound() {
        session.attach(outbound);
        session.subscribe(one, Subscribe.of(1, "news.one"));

        one.publish(IntNode.valueOf(1), 0);

        assertEquals(2, outbound.queuedFrames(), "subscribed reply and event");
        assertEquals(Set.of("news.one"), session.channels());
    }

    @Test
    void detachLeavesEveryChannelAndStopsDelivery() {
        session.attach(outbound);
        session.subscribe(one, Subscribe.of(1, "news.one"));
        session.subscribe(two, Subscribe.of(2, "news.two"));

        session.detach();
        one.publish(IntNode.valueOf(1), 0);

        assertEquals(0, one.subscriberCount());
        assertEquals(0, two.subscriberCount());
        assertEquals(2, outbound.queuedFrames(), "only the two subscribed replies from before the detach");
        assertEquals(Set.of(), session.channels());
    }

    @Test
    void aSubscribeThatLosesTheRaceWithDetachDoesNotStaySubscribed() {
        session.attach(outbound);
        session.detach();

        session.subscribe(one, Subscribe.of(1, "news.one"));

        assertEquals(0, one.subscriberCount());
    }

    @Test
    void unsubscribeLeavesOnlyThatChannel() {
        session.attach(outbound);
        session.subscribe(one, Subscribe.of(1, "news.one"));
        session.subscribe(two, Subscribe.of(2, "news.two"));

        session.unsubscribe("news.one");
        session.unsubscribe("news.never");

        assertEquals(0, one.subscriberCount());
        assertEquals(1, two.subscriberCount());
        assertEquals(Set.of("news.two"), session.channels());
    }

    @Test
    void aConflatedSubscriptionCollapsesItsReplayToTheNewestEventAfterAGap() {
        for (int i = 1; i <= 5; i++) {
            one.publish(IntNode.valueOf(i), System.currentTimeMillis()); // within the history TTL
        }
        session.attach(outbound);

        session.subscribe(one, new Subscribe(1L, "news.one", new Position(1, "EPOCH00001"), SubscriptionMode.CONFLATE,
                null, null));
        drains.forEach(Runnable::run);

        List<Frame> written = new ArrayList<>();
        transport.sent().forEach(message -> written.addAll(codec.decode(message)));
        assertEquals(3, written.size(), written.toString());
        assertEquals(4, ((Subscribed) written.get(0)).replayed());
        assertEquals(new Gap("news.one", 2, 4, GapReason.CONFLATED), written.get(1));
        assertEquals(5, ((Event) written.get(2)).seq());
    }

    @Test
    void resubscribingReplacesTheSubscriptionAndItsMode() {
        session.attach(outbound);
        session.subscribe(one, new Subscribe(1L, "news.one", null, SubscriptionMode.CONFLATE, 1_000L, null));
        session.subscribe(one, Subscribe.of(2, "news.one"));

        one.publish(IntNode.valueOf(1), 0);
        one.publish(IntNode.valueOf(2), 0);

        assertEquals(1, one.subscriberCount());
        assertEquals(4, outbound.queuedFrames(), "two subscribed replies and both events: mode all again");
    }

    @Test
    void theRegistryRemovesOnlyTheSameSessionInstance() {
        SessionRegistry registry = new SessionRegistry();
        Session created = registry.create(limiter());
        Session impostor = new Session(created.clientId(), "OTHER", limiter());

        registry.register(created);
        registry.remove(impostor);
        assertEquals(1, registry.size(), "a different session with the same id must not remove it");

        registry.remove(created);
        assertEquals(0, registry.size());
    }

    @Test
    void createdSessionsHaveFreshIdsAndTokens() {
        SessionRegistry registry = new SessionRegistry();
        Session a = registry.create(limiter());
        Session b = registry.create(limiter());

        assertNotEquals(a.clientId(), b.clientId());
        assertNotEquals(a.resumeToken(), b.resumeToken());
        assertEquals(0, registry.size(), "create() alone does not register");
    }
}
