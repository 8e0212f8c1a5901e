package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import io.github.bucket4j.TimeMeter;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.SubscriptionMode;
import io.pushwire.server.broker.HistorySettings;
import io.pushwire.server.store.MemorySessionStore;
import io.pushwire.server.store.ResumeTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ClientSession and SessionRegistry without the inbound side: each "connection" is an Outbound on a manual
 * writer over a fake transport, so what a client would read is exact.
 */
class SessionTest {
    private static final long TTL = 60_000;

    private final FrameCodec codec = new FrameCodec();
    private final ManualTime time = new ManualTime(System.currentTimeMillis());
    private final Hub hub = TestHubs.memory(time, new ServerCounters(), new HistorySettings(100, TTL),
            ChannelRules.defaults(), 100);
    private final ChannelRoute one = hub.route("news.one").orElseThrow();
    private final ChannelRoute two = hub.route("news.two").orElseThrow();
    private final MemorySessionStore store = new MemorySessionStore(time, TTL);
    private final SessionRegistry registry = new SessionRegistry(store, hub, time, TTL, record -> limiter());
    private final PushServer server = new PushServer(ServerConfig.builder().helloTimeoutMs(60_000).build(), codec, time);
    private String resumeToken;
    private final ClientSession session = registry.create(limiter(), token -> resumeToken = token);

    @AfterEach
    void tearDown() {
        server.close();
    }

    /** One connection's worth of outbound queue, written only when {@link #flush} says so. */
    private final class Link {
        final FakeTransport transport = new FakeTransport();
        final Connection connection = server.open(transport);
        final ManualExecutor writer = new ManualExecutor();
        final Outbound outbound = new Outbound(transport, writer, time, time, codec,
                new OutboundSettings(64, 1 << 20, 1 << 20), new ServerCounters(), failure -> { });

        /** Writes what is queued; returns every frame the client has read so far. */
        List<Frame> flush() {
            writer.runAll();
            List<Frame> frames = new ArrayList<>();
            transport.sent().forEach(message -> frames.addAll(codec.decode(message)));
            return frames;
        }
    }

    private static InboundLimiter limiter() {
        return new InboundLimiter(50, 100, 10, TimeMeter.SYSTEM_MILLISECONDS);
    }

    private void publish(ChannelRoute channel, int count) {
        for (int i = 0; i < count; i++) {
            hub.publish(channel.name(), IntNode.valueOf(i));
        }
    }

    private int subscriberCount(ChannelRoute channel) {
        return hub.subscriberCount(channel.key());
    }

    private static List<Long> seqs(List<Frame> frames, String channel) {
        return frames.stream().filter(f -> f instanceof Event e && e.channel().equals(channel))
                .map(f -> ((Event) f).seq()).toList();
    }

    private ClientSession.Resumption resume(Link link, Map<String, Position> positions) {
        return session.resume(link.connection, link.outbound, positions, () -> { }, (channel, refused) -> {
            throw new AssertionError("refused " + channel, refused);
        });
    }

    @Test
    void anAttachedSessionQueuesChannelFramesOnItsOutbound() {
        Link link = new Link();
        session.attach(link.connection, link.outbound);
        session.subscribe(one, Subscribe.of(1, "news.one"));

        publish(one, 1);

        assertEquals(2, link.outbound.queuedFrames(), "subscribed reply and event");
        assertEquals(Set.of("news.one"), session.channels());
    }

    @Test
    void detachStopsDeliveryAndLeavesTheChannelsButKeepsTheSubscriptions() {
        Link link = new Link();
        session.attach(link.connection, link.outbound);
        session.subscribe(one, Subscribe.of(1, "news.one"));
        session.subscribe(two, Subscribe.of(2, "news.two"));

        session.detach(link.connection, time.millis());
        publish(one, 1);

        assertEquals(0, subscriberCount(one));
        assertEquals(0, subscriberCount(two));
        assertEquals(2, link.outbound.queuedFrames(), "only the two subscribed replies from before the detach");
        assertEquals(Set.of("news.one", "news.two"), session.channels(), "kept for a resume");
        assertNull(session.outbound());
    }

    @Test
    void aSubscribeThatLosesTheRaceWithDetachDoesNotSubscribe() {
        Link link = new Link();
        session.attach(link.connection, link.outbound);
        session.detach(link.connection, time.millis());

        session.subscribe(one, Subscribe.of(1, "news.one"));

        assertEquals(0, subscriberCount(one));
        assertEquals(Set.of(), session.channels());
    }

    @Test
    void unsubscribeLeavesOnlyThatChannel() {
        Link link = new Link();
        session.attach(link.connection, link.outbound);
        session.subscribe(one, Subscribe.of(1, "news.one"));
        session.subscribe(two, Subscribe.of(2, "news.two"));

        assertTrue(session.unsubscribe("news.one").isPresent());
        assertTrue(session.unsubscribe("news.never").isEmpty());

        assertEquals(0, subscriberCount(one));
        assertEquals(1, subscriberCount(two));
        assertEquals(Set.of("news.two"), session.channels());
    }

    @Test
    void aResumedSessionContinuesEachChannelAfterWhatWasWrittenWithNoGapAndNoDuplicate() {
        Link first = new Link();
        session.attach(first.connection, first.outbound);
        session.subscribe(one, Subscribe.of(1, "news.one"));
        publish(one, 3);
        List<Frame> readOnFirst = first.flush();
        publish(one, 2); // queued on the first connection, never written
        session.detach(first.connection, time.millis());
        publish(one, 2); // while detached

        Link second = new Link();
        ClientSession.Resumption resumption = resume(second, Map.of());
        List<Frame> read = second.flush();

        assertTrue(resumption.resumed());
        assertNull(resumption.replaced(), "nobody held the session");
        assertEquals(List.of(1L, 2L, 3L), seqs(readOnFirst, "news.one"));
        Subscribed restored = (Subscribed) read.get(0);
        assertNull(restored.id(), "not a reply to any request");
        assertTrue(restored.recovered());
        assertEquals(4, restored.replayed());
        assertEquals(List.of(4L, 5L, 6L, 7L), seqs(read, "news.one"));
        publish(one, 1);
        assertEquals(List.of(4L, 5L, 6L, 7L, 8L), seqs(second.flush(), "news.one"));
    }

    @Test
    void theClientsPositionsWinOverWhatTheServerWrote() {
        Link first = new Link();
        session.attach(first.connection, first.outbound);
        session.subscribe(one, Subscribe.of(1, "news.one"));
        publish(one, 5);
        first.flush();
        session.detach(first.connection, time.millis());

        Link second = new Link();
        resume(second, Map.of("news.one", new Position(2, hub.epoch(one.key()))));

        assertEquals(List.of(3L, 4L, 5L), seqs(second.flush(), "news.one"), "the client had only seen 2");
    }

    @Test
    void aResumeTakesTheSessionFromAConnectionStillHoldingIt() {
        Link first = new Link();
        session.attach(first.connection, first.outbound);
        session.subscribe(one, Subscribe.of(1, "news.one"));
        first.flush();

        Link second = new Link();
        ClientSession.Resumption resumption = resume(second, Map.of());
        publish(one, 1);
        session.detach(first.connection, time.millis()); // the replaced connection closing must not detach

        assertSame(first.connection, resumption.replaced());
        assertEquals(List.of(), seqs(first.flush(), "news.one"), "nothing more for the replaced connection");
        assertEquals(List.of(1L), seqs(second.flush(), "news.one"));
        assertEquals(1, subscriberCount(one));
    }

    @Test
    void aConflatedSubscriptionIsRestoredConflated() {
        Link first = new Link();
        session.attach(first.connection, first.outbound);
        session.subscribe(one, new Subscribe(1L, "news.one", null, SubscriptionMode.CONFLATE, null, null));
        first.flush();
        session.detach(first.connection, time.millis());
        publish(one, 5);

        Link second = new Link();
        resume(second, Map.of());
        List<Frame> read = second.flush();

        assertEquals(new Gap("news.one", 1, 4, GapReason.CONFLATED), read.get(1));
        assertEquals(List.of(5L), seqs(read, "news.one"));
    }

    @Test
    void aDetachedSessionExpiresAfterItsTtlAndCannotBeResumed() {
        Link first = new Link();
        registry.register(session);
        session.attach(first.connection, first.outbound);
        assertEquals(0, registry.expireIdle(time.millis() + 10 * TTL), "attached sessions never expire");
        session.detach(first.connection, time.millis());

        assertEquals(0, registry.expireIdle(time.millis() + TTL - 1));
        assertEquals(1, registry.expireIdle(time.millis() + TTL));

        assertEquals(0, registry.size());
        assertFalse(resume(new Link(), Map.of()).resumed());
    }

    @Test
    void theRegistryFindsASessionOnlyWithItsToken() {
        registry.register(session);

        assertSame(session, registry.find(session.clientId(), resumeToken, null).orElseThrow());
        assertTrue(registry.find(session.clientId(), resumeToken + "x", null).isEmpty());
        assertTrue(registry.find(session.clientId(), null, null).isEmpty(), "a clientId alone never resumes");
        assertTrue(registry.find("NOSUCHCLIENT", resumeToken, null).isEmpty());
        assertSame(session, registry.byId(session.clientId()).orElseThrow());
    }

    @Test
    void theRegistryRemovesOnlyTheSameSessionInstance() {
        ClientSession impostor = new ClientSession(session.clientId(), ResumeTokens.hash("OTHER"), limiter(),
                session.inbox().key(), hub, store, 0);

        registry.register(session);
        registry.remove(impostor);
        assertEquals(1, registry.size(), "a different session with the same id must not remove it");

        registry.remove(session);
        assertEquals(0, registry.size());
    }

    @Test
    void createdSessionsHaveFreshIdsTokensAndPrivateChannels() {
        String[] otherToken = new String[1];
        ClientSession other = registry.create(limiter(), token -> otherToken[0] = token);

        assertNotEquals(session.clientId(), other.clientId());
        assertNotEquals(resumeToken, otherToken[0]);
        assertNotEquals(session.resumeTokenHash(), other.resumeTokenHash());
        assertNotEquals(session.inbox().key(), other.inbox().key());
        assertNotEquals(hub.epoch(session.inbox().key()), hub.epoch(other.inbox().key()));
        assertEquals(0, registry.size(), "create() alone does not register");
    }

    /** What a new connection reads after a conflated subscribe to news.one since seq 1. */
    private List<Frame> conflatedReplaySinceOne() {
        Link link = new Link();
        session.attach(link.connection, link.outbound);
        session.subscribe(one, new Subscribe(1L, "news.one", new Position(1, hub.epoch(one.key())), SubscriptionMode.CONFLATE,
                null, null));
        return link.flush();
    }

    @Test
    void aConflatedSubscriptionCollapsesItsReplayToTheNewestEventAfterAGap() {
        publish(one, 5);

        List<Frame> written = conflatedReplaySinceOne();

        assertEquals(3, written.size(), written.toString());
        assertEquals(4, ((Subscribed) written.get(0)).replayed());
        assertEquals(new Gap("news.one", 2, 4, GapReason.CONFLATED), written.get(1));
        assertEquals(5, ((Event) written.get(2)).seq());
    }

    @Test
    void anUpstreamGapBehindAPendingConflatedEventIsWrittenAfterItWithTheSkippedSeqsAnnounced() {
        Link link = new Link();
        session.attach(link.connection, link.outbound);
        session.subscribe(one, new Subscribe(1L, "news.one", null, SubscriptionMode.CONFLATE, 1_000L, null));
        publish(one, 1);
        link.flush(); // event 1 leaves at once; the interval starts
        publish(one, 2);
        hub.announceUpstreamGap("news.one");

        time.advance(1_000);
        List<Frame> written = link.flush();

        assertEquals(List.of(new Gap("news.one", 2, 2, GapReason.CONFLATED), new Gap("news.one", 4, 4, GapReason.UPSTREAM)),
                written.stream().filter(Gap.class::isInstance).toList());
        assertEquals(List.of(1L, 3L), seqs(written, "news.one"));
        assertEquals(written.indexOf(new Gap("news.one", 4, 4, GapReason.UPSTREAM)), written.size() - 1, "in seq order: " + written);
    }

    @Test
    void aConflatedReplayCoversAnUpstreamGapInHistoryWithItsConflatedGap() {
        publish(one, 3);
        hub.announceUpstreamGap("news.one");
        publish(one, 2);

        List<Frame> written = conflatedReplaySinceOne();

        assertEquals(3, written.size(), written.toString());
        assertEquals(new Gap("news.one", 2, 5, GapReason.CONFLATED), written.get(1));
        assertEquals(6, ((Event) written.get(2)).seq());
    }

    @Test
    void resubscribingReplacesTheSubscriptionAndItsMode() {
        Link link = new Link();
        session.attach(link.connection, link.outbound);
        session.subscribe(one, new Subscribe(1L, "news.one", null, SubscriptionMode.CONFLATE, 1_000L, null));
        session.subscribe(one, Subscribe.of(2, "news.one"));

        publish(one, 2);

        assertEquals(1, subscriberCount(one));
        assertEquals(4, link.outbound.queuedFrames(), "two subscribed replies and both events: mode all again");
    }
}
