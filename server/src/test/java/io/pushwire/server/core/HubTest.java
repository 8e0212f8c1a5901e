package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.Subscribe;
import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.broker.HistorySettings;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HubTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(1_700_000_000_123L));

    private final FrameCodec codec = new FrameCodec();
    private final ServerCounters counters = new ServerCounters();
    private final Hub hub = TestHubs.memory(CLOCK, counters, new HistorySettings(1_000, 300_000),
            ChannelRules.defaults(), 100);

    @Test
    void aFeedNamespaceRefusesUndeclaredNamesButServesDeclaredOnes() {
        hub.declare("sim.trades.BTC-USDT");

        assertTrue(hub.route("sim.trades.BTC-USD").isEmpty(), "a typo in a feed namespace is unknown");
        assertTrue(hub.route("sim").isEmpty(), "the bare namespace is not a channel either");
        assertTrue(hub.route("sim.trades.BTC-USDT").isPresent());
        assertEquals(Set.of("sim"), hub.feedNamespaces());
        assertEquals(1, hub.channelCount(), "a refused name must not create a channel");
    }

    @Test
    void otherNamespacesAreCreatedOnDemandAndStayTheSameChannel() {
        hub.declare("sim.trades.BTC-USDT");

        ChannelRoute first = hub.route("news.eu").orElseThrow();
        ChannelRoute again = hub.route("news.eu").orElseThrow();

        assertSame(first, again);
        assertEquals(2, hub.channelCount());
    }

    @Test
    void publishCreatesTheChannelStampsTheClockAndCountsTheFanOut() {
        RecordingSubscriber subscriber = new RecordingSubscriber();

        assertEquals(new Published("news.eu", 1, 0), hub.publish("news.eu", TextNode.valueOf("first")), "nobody listens yet");
        TestHubs.join(hub, subscriber, Subscribe.of(1, "news.eu"));
        assertEquals(new Published("news.eu", 2, 1), hub.publish("news.eu", TextNode.valueOf("second")));

        Event event = assertInstanceOf(Event.class, subscriber.frames().get(1));
        assertEquals(2, event.seq());
        assertEquals(CLOCK.millis(), event.ts());
        assertEquals(TextNode.valueOf("second"), event.data());
        assertEquals(2, hub.head("news.eu"));
        assertEquals(0, hub.head("absent"));
        assertEquals(2, counters.eventsPublished());
        assertEquals(1L, counters.snapshot().get("eventsFannedOut"));
    }

    @Test
    void eachChannelHasItsOwnEpochAndSeq() {
        hub.publish("a.one", TextNode.valueOf("x"));
        hub.publish("a.one", TextNode.valueOf("x"));
        hub.publish("b.two", TextNode.valueOf("x"));

        assertEquals(2, hub.head("a.one"));
        assertEquals(1, hub.head("b.two"));
        assertNotEquals(hub.epoch(hub.route("a.one").orElseThrow().key()), hub.epoch(hub.route("b.two").orElseThrow().key()));
    }

    @Test
    void invalidChannelNamesAreRefused() {
        assertThrows(ProtocolException.class, () -> hub.declare("bad name"));
        assertThrows(ProtocolException.class, () -> hub.publish("", TextNode.valueOf("x")));
    }

    @Test
    void applicationsMayNotPublishIntoAFeedNamespaceOrAPrivateChannel() {
        hub.declare("sim.trades.BTC-USDT");

        ProtocolException feed = assertThrows(ProtocolException.class,
                () -> hub.publishExternal("sim.trades.FAKE", TextNode.valueOf("x")));
        ProtocolException mine = assertThrows(ProtocolException.class,
                () -> hub.publishExternal("$me", TextNode.valueOf("x")));

        assertEquals(ErrorCode.FORBIDDEN, feed.errorCode());
        assertEquals("namespace 'sim' belongs to a feed; publish to another namespace", feed.getMessage());
        assertEquals(ErrorCode.FORBIDDEN, mine.errorCode());
        assertEquals(ErrorCode.BAD_REQUEST, assertThrows(ProtocolException.class,
                () -> hub.publishExternal("bad name", TextNode.valueOf("x"))).errorCode());
        assertEquals(0, hub.head("sim.trades.FAKE"));
        assertEquals(new Published("app.orders", 1, 0), hub.publishExternal("app.orders", TextNode.valueOf("x")));
    }

    /**
     * A session's {@code $me} is dropped when the session expires; but a copy of the session restored from
     * the store on this node (same key) may already read it, and then it stays.
     */
    @Test
    void aSessionsInboxIsNotDroppedWhileASubscriberHereReadsIt() {
        ChannelRoute inbox = ChannelRoute.inbox(ChannelKey.inbox("CLIENT"));
        RecordingSubscriber reader = new RecordingSubscriber();
        hub.join(inbox, reader, Subscribe.of(1, "$me"), null);

        hub.removeInbox(inbox.key());
        hub.publish(inbox, TextNode.valueOf("still read"));

        assertEquals(2, reader.frames().size(), "the reply, then the push: " + reader.frames());
        assertEquals(1, hub.subscriberCount(inbox.key()));
    }

    @Test
    void namespaceIsTheNameUpToTheFirstDot() {
        assertEquals("sim", Hub.namespaceOf("sim.trades.BTC-USDT"));
        assertEquals("plain", Hub.namespaceOf("plain"));
    }
}
