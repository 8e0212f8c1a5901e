package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pushwire.protocol.CloseCode;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Pong;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.Unsubscribed;
import io.pushwire.protocol.Welcome;
import io.pushwire.server.broker.ChannelKey;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connection state machine, driven through {@link PushServer#open} with fake transports. */
class ConnectionTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(1_700_000_000_000L));
    private static final String HELLO = "{\"type\":\"hello\",\"id\":1,\"protocol\":1}";

    private final ServerHarness harness = new ServerHarness(CLOCK);
    private PushServer server;

    @AfterEach
    void tearDown() {
        harness.close();
    }

    private PushServer server(UnaryOperator<ServerConfig.Builder> settings) {
        server = harness.start(settings);
        return server;
    }

    private PushServer server() {
        return server(b -> b);
    }

    private FakeTransport transport() {
        return harness.transport();
    }

    private Connection helloed(FakeTransport transport) {
        Connection connection = server.open(transport);
        connection.onText(HELLO);
        transport.awaitFrame(Welcome.class);
        return connection;
    }

    private void subscribe(Connection connection, FakeTransport transport, long id, String channel) {
        connection.onText("{\"type\":\"subscribe\",\"id\":" + id + ",\"channel\":\"" + channel + "\"}");
        transport.awaitFrame(Subscribed.class, s -> s.id() == id);
    }

    private void sync(Connection connection, FakeTransport transport) {
        harness.sync(connection, transport);
    }

    private static List<ErrorFrame> errors(FakeTransport transport) {
        return transport.frames(ErrorFrame.class);
    }

    @Test
    void helloIsAnsweredWithWelcomeAndOnlyThenCountsAsASession() {
        ServerConfig config = server().config();
        FakeTransport transport = transport();
        Connection connection = server.open(transport);
        assertEquals(1, server.connectionCount());
        assertEquals(0, server.attachedSessionCount(), "no session before hello");

        connection.onText("{\"type\":\"hello\",\"id\":7,\"protocol\":1}");

        assertEquals(1, server.attachedSessionCount());
        Welcome welcome = transport.awaitFrame(Welcome.class);
        assertEquals(7L, welcome.id());
        assertFalse(welcome.resumed());
        assertFalse(welcome.clientId().isBlank());
        // The resume token is a secret: at least 128 random bits (base64url here).
        assertTrue(Base64.getUrlDecoder().decode(welcome.resumeToken()).length * 8 >= 128, welcome.resumeToken());
        assertEquals(new Welcome.Heartbeat(config.heartbeatIntervalMs(), config.heartbeatTimeoutMs()), welcome.heartbeat());
        assertEquals(new Welcome.Limits(config.inboundRatePerSec(), config.inboundBurst(), config.maxFrameBytes()),
                welcome.limits());
        assertEquals(config.sessionTtlMs(), welcome.sessionTtlMs());
    }

    @Test
    void twoSessionsGetDistinctIdsAndTokens() {
        server();
        FakeTransport a = transport();
        FakeTransport b = transport();
        helloed(a);
        helloed(b);

        Welcome first = a.awaitFrame(Welcome.class);
        Welcome second = b.awaitFrame(Welcome.class);
        assertNotEquals(first.clientId(), second.clientId());
        assertNotEquals(first.resumeToken(), second.resumeToken());
        assertEquals(2, server.attachedSessionCount());
    }

    @Test
    void aFirstFrameOtherThanHelloIsABadRequestThenClose4400() {
        server();
        FakeTransport transport = transport();
        Connection connection = server.open(transport);

        connection.onText("{\"type\":\"subscribe\",\"id\":3,\"channel\":\"news.a\"}");

        assertEquals(CloseCode.PROTOCOL_ERROR, transport.awaitClose());
        ErrorFrame error = assertInstanceOf(ErrorFrame.class, transport.frames().get(0));
        assertEquals(ErrorCode.BAD_REQUEST, error.code());
        assertEquals(3L, error.id());
        assertEquals(List.of("send", "close:4400"), transport.timeline(), "the error is written before the close");
        assertEquals(0, server.attachedSessionCount());
        assertEquals(0, server.connectionCount());
    }

    @Test
    void helloWithAnotherProtocolVersionIsRefusedWith4400() {
        server();
        FakeTransport transport = transport();
        Connection connection = server.open(transport);

        connection.onText("{\"type\":\"hello\",\"id\":1,\"protocol\":2}");

        assertEquals(CloseCode.PROTOCOL_ERROR, transport.awaitClose());
        assertEquals(List.of(ErrorCode.BAD_REQUEST), errors(transport).stream().map(ErrorFrame::code).toList());
        assertTrue(transport.frames(Welcome.class).isEmpty());
        assertEquals(0, server.attachedSessionCount());
    }

    @Test
    void malformedJsonAfterHelloIsABadRequestAndTheConnectionStaysOpen() {
        server();
        FakeTransport transport = transport();
        Connection connection = helloed(transport);

        connection.onText("{\"type\":\"ping\",");
        sync(connection, transport);

        assertEquals(List.of(ErrorCode.BAD_REQUEST), errors(transport).stream().map(ErrorFrame::code).toList());
        assertEquals(List.of(), transport.closeCodes());
        assertEquals(Connection.State.OPEN, connection.state());
    }

    @Test
    void anUnknownTypeIsABadRequestEchoingTheRequestId() {
        server();
        FakeTransport transport = transport();
        Connection connection = helloed(transport);

        connection.onText("{\"type\":\"frobnicate\",\"id\":42}");
        sync(connection, transport);

        ErrorFrame error = errors(transport).get(0);
        assertEquals(ErrorCode.BAD_REQUEST, error.code());
        assertEquals(42L, error.id());
        assertEquals(List.of(), transport.closeCodes());
    }

    @Test
    void moreThanMaxRejectedFramesClosesWith4400() {
        server(b -> b.maxRejectedFrames(3));
        FakeTransport transport = transport();
        Connection connection = helloed(transport);

        for (int i = 0; i < 3; i++) {
            connection.onText("not json");
        }
        sync(connection, transport);
        assertEquals(List.of(), transport.closeCodes(), "exactly the limit is still tolerated");

        connection.onText("not json");

        assertEquals(CloseCode.PROTOCOL_ERROR, transport.awaitClose());
        assertEquals(4, errors(transport).size());
        assertEquals(0, server.attachedSessionCount());
    }

    @Test
    void aSecondHelloIsAnErrorButNotFatal() {
        server();
        FakeTransport transport = transport();
        Connection connection = helloed(transport);

        connection.onText("{\"type\":\"hello\",\"id\":2,\"protocol\":1}");
        sync(connection, transport);

        ErrorFrame error = errors(transport).get(0);
        assertEquals(ErrorCode.BAD_REQUEST, error.code());
        assertEquals(2L, error.id());
        assertEquals(1, transport.frames(Welcome.class).size());
        assertEquals(1, server.attachedSessionCount());
    }

    @Test
    void publishIsForbiddenForAnonymousSessions() {
        server();
        FakeTransport transport = transport();
        Connection connection = helloed(transport);

        connection.onText("{\"type\":\"publish\",\"id\":5,\"channel\":\"news.a\",\"data\":{\"x\":1}}");
        sync(connection, transport);

        assertEquals(new ErrorFrame(5L, ErrorCode.FORBIDDEN, errors(transport).get(0).message(), false, null),
                errors(transport).get(0));
        assertEquals(0, server.hub().head("news.a"), "nothing was published");
    }

    @Test
    void pingIsAnsweredWithPongEchoingTs() {
        server();
        FakeTransport transport = transport();
        Connection connection = helloed(transport);

        connection.onText("{\"type\":\"ping\",\"ts\":1234567}");

        assertEquals(1234567L, transport.awaitFrame(Pong.class).ts());
    }

    @Test
    void subscribingToAnUndeclaredNameInAFeedNamespaceIsUnknownChannel() {
        server().hub().declare("sim.trades.BTC-USDT");
        FakeTransport transport = transport();
        Connection connection = helloed(transport);

        connection.onText("{\"type\":\"subscribe\",\"id\":4,\"channel\":\"sim.trades.BTC-USD\"}");
        sync(connection, transport);

        ErrorFrame error = errors(transport).get(0);
        assertEquals(ErrorCode.UNKNOWN_CHANNEL, error.code());
        assertEquals(4L, error.id());
        subscribe(connection, transport, 5, "sim.trades.BTC-USDT");
    }

    @Test
    void dollarChannelsOtherThanMeAreForbidden() {
        server();
        FakeTransport transport = transport();
        Connection connection = helloed(transport);

        connection.onText("{\"type\":\"subscribe\",\"id\":4,\"channel\":\"$other\"}");
        connection.onText("{\"type\":\"subscribe\",\"id\":5,\"channel\":\"$me\"}");
        sync(connection, transport);

        assertEquals(List.of(ErrorCode.FORBIDDEN), errors(transport).stream().map(ErrorFrame::code).toList());
        assertEquals(List.of(4L), errors(transport).stream().map(ErrorFrame::id).toList());
        assertEquals(List.of(5L), transport.frames(Subscribed.class).stream().map(Subscribed::id).toList());
    }

    @Test
    void intervalMsIsABadRequestWithoutConflateModeOrOverTheLimit() {
        server();
        FakeTransport transport = transport();
        Connection connection = helloed(transport);

        connection.onText("{\"type\":\"subscribe\",\"id\":6,\"channel\":\"news.a\",\"intervalMs\":100}");
        connection.onText("{\"type\":\"subscribe\",\"id\":7,\"channel\":\"news.a\",\"mode\":\"conflate\","
                + "\"intervalMs\":60001}");
        sync(connection, transport);

        assertEquals(List.of(6L, 7L), errors(transport).stream().map(ErrorFrame::id).toList());
        assertEquals(List.of("intervalMs applies to mode 'conflate' only", "intervalMs 60001 is over the limit of 60000"),
                errors(transport).stream().map(ErrorFrame::message).toList());
        assertTrue(transport.frames(Subscribed.class).isEmpty());
    }

    @Test
    void aConflatedSubscriptionGetsTheNewestEventWithAGapForWhatItSkipped() {
        server();
        FakeTransport transport = transport();
        Connection connection = helloed(transport);
        connection.onText("{\"type\":\"subscribe\",\"id\":6,\"channel\":\"news.c\",\"mode\":\"conflate\"}");
        transport.awaitFrame(Subscribed.class);
        int before = transport.sendsStarted();
        transport.blockSends();
        server.hub().publish("news.c", JsonNodeFactory.instance.numberNode(1));
        transport.awaitSendsStarted(before + 1); // event 1 is being written; the next ones wait

        for (int i = 2; i <= 5; i++) {
            server.hub().publish("news.c", JsonNodeFactory.instance.numberNode(i));
        }
        transport.releaseSends();

        FakeTransport.await(() -> transport.frames(Event.class).stream().anyMatch(e -> e.seq() == 5), "event 5");
        assertEquals(List.of(1L, 5L), transport.frames(Event.class).stream().map(Event::seq).toList());
        assertEquals(List.of(new Gap("news.c", 2, 4, GapReason.CONFLATED)), transport.frames(Gap.class));
        assertEquals(3L, server.counters().snapshot().get("eventsConflated"));
    }

    @Test
    void aFrameOverMaxFrameBytesCountedInUtf8BytesClosesWith1009() {
        server(b -> b.maxFrameBytes(100));
        FakeTransport transport = transport();
        Connection connection = helloed(transport);
        String prefix = "{\"type\":\"ping\",\"pad\":\"";
        // 22 + 25 + 2 = 49 characters, 22 + 75 + 2 = 99 bytes: within the limit.
        String fits = prefix + "€".repeat(25) + "\"}";
        // 22 + 26 + 2 = 50 characters but 102 bytes: only a byte count catches it.
        String tooBig = prefix + "€".repeat(26) + "\"}";

        connection.onText(fits);
        sync(connection, transport);
        assertEquals(List.of(), transport.closeCodes());

        connection.onText(tooBig);

        assertEquals(CloseCode.TOO_BIG, transport.awaitClose());
        assertEquals(0, server.attachedSessionCount());
    }

    @Test
    void helloWithClientIdAndTokenStartsAFreshSessionAndReportsResumeFailed() {
        server();
        FakeTransport transport = transport();
        Connection connection = server.open(transport);

        connection.onText("{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"clientId\":\"OLDCLIENT\",\"resumeToken\":\"guess\"}");

        ErrorFrame error = transport.awaitFrame(ErrorFrame.class);
        assertEquals(ErrorCode.RESUME_FAILED, error.code());
        List<Frame> frames = transport.frames();
        Welcome welcome = assertInstanceOf(Welcome.class, frames.get(0), "welcome comes first");
        assertEquals(error, frames.get(1));
        assertFalse(welcome.resumed());
        assertNotEquals("OLDCLIENT", welcome.clientId());
        assertEquals(List.of(), transport.closeCodes());
        assertEquals(1, server.attachedSessionCount());
    }

    @Test
    void helloDeadlineClosesWith4400WhileStillAwaitingHello() {
        server();
        FakeTransport transport = transport();
        Connection connection = server.open(transport);

        connection.helloDeadlinePassed(0);

        assertEquals(CloseCode.PROTOCOL_ERROR, transport.awaitClose());
        assertEquals(0, server.connectionCount());
        connection.onText(HELLO);
        assertEquals(0, server.attachedSessionCount(), "a hello after the deadline is ignored");
    }

    @Test
    void helloDeadlineClosesWith4002WhenTheServerWasBehind() {
        server();
        FakeTransport transport = transport();
        Connection connection = server.open(transport);

        connection.helloDeadlinePassed(Connection.SERVER_BEHIND_MS);

        assertEquals(CloseCode.OVERLOADED, transport.awaitClose(), "the server's delay is not the client's protocol error");
        assertEquals(0, server.connectionCount());
    }

    @Test
    void helloDeadlineDoesNothingOnceHelloArrived() {
        server();
        FakeTransport transport = transport();
        Connection connection = helloed(transport);

        connection.helloDeadlinePassed(Connection.SERVER_BEHIND_MS);
        sync(connection, transport);

        assertEquals(List.of(), transport.closeCodes());
        assertEquals(Connection.State.OPEN, connection.state());
        assertEquals(1, server.attachedSessionCount());
    }

    @Test
    void theHelloTimerOfTheServerClosesASilentConnection() {
        server(b -> b.helloTimeoutMs(50));
        FakeTransport transport = transport();

        server.open(transport);

        assertEquals(CloseCode.PROTOCOL_ERROR, transport.awaitClose());
    }

    @Test
    void aServerSideCloseThatDoesNotCompleteInTimeAbortsTheTransport() {
        server(b -> b.closeTimeoutMs(50));
        FakeTransport stuck = transport();
        Connection connection = helloed(stuck);
        FakeTransport gone = transport();
        Connection closedByClient = helloed(gone);

        connection.close(CloseCode.HEARTBEAT_TIMEOUT, "silent");
        closedByClient.onTransportClosed(1000, "bye");

        FakeTransport.await(() -> server.counters().snapshot().get("transportsAborted") == 1L, "the abort");
        assertEquals(1, stuck.aborts());
        assertEquals(0, gone.aborts(), "a close the client made needs no abort");
    }

    @Test
    void transportClosedTwiceDetachesOnce() {
        server();
        FakeTransport transport = transport();
        Connection connection = helloed(transport);
        subscribe(connection, transport, 2, "news.a");
        ChannelKey channel = ChannelKey.of("news.a");
        assertEquals(1, server.hub().subscriberCount(channel));

        connection.onTransportClosed(1000, "bye");
        connection.onTransportClosed(1006, "reset");

        assertEquals(0, server.attachedSessionCount());
        assertEquals(0, server.connectionCount());
        assertEquals(0, server.hub().subscriberCount(channel));
        assertEquals(1L, server.counters().snapshot().get("connectionsClosed"));
        assertEquals(Connection.State.CLOSED, connection.state());
        server.hub().publish("news.a", JsonNodeFactory.instance.textNode("after close"));
        assertTrue(transport.frames(Event.class).isEmpty());
    }

    @Test
    void aBatchArrayFromTheClientIsProcessedInOrder() {
        server();
        FakeTransport transport = transport();
        Connection connection = server.open(transport);

        connection.onText("[" + HELLO + ",{\"type\":\"subscribe\",\"id\":2,\"channel\":\"news.a\"},"
                + "{\"type\":\"unsubscribe\",\"id\":3,\"channel\":\"news.a\"},{\"type\":\"ping\",\"ts\":9}]");

        FakeTransport.await(() -> transport.frames().size() == 4, "four replies");
        List<Frame> frames = transport.frames();
        assertEquals(1L, assertInstanceOf(Welcome.class, frames.get(0)).id());
        // Processed in order: the subscribe before the unsubscribe, so the session ends unsubscribed. The
        // pong rides in the control lane and may overtake the channel's replies (each carries its id).
        List<Frame> channelReplies = frames.stream().filter(f -> !(f instanceof Pong)).toList();
        assertEquals(2L, assertInstanceOf(Subscribed.class, channelReplies.get(1)).id());
        assertEquals(new Unsubscribed(3L, "news.a"), channelReplies.get(2));
        assertTrue(frames.contains(new Pong(9L)));
        assertEquals(0, server.hub().subscriberCount(ChannelKey.of("news.a")));
    }

    @Test
    void everySubscribedConnectionIsHandedTheSameEncodedEvent() {
        server();
        FakeTransport a = transport();
        FakeTransport b = transport();
        subscribe(helloed(a), a, 2, "news.a");
        subscribe(helloed(b), b, 2, "news.a");
        int before = a.sent().size();

        assertEquals(2, server.hub().publish("news.a", JsonNodeFactory.instance.textNode("hi")).subscribers());

        FakeTransport.await(() -> a.sent().size() > before && b.sent().size() > before, "the event on both");
        String textA = a.sent().get(a.sent().size() - 1);
        // A lone event is written as-is, so the encoded-once String reaches both transports.
        assertSame(textA, b.sent().get(b.sent().size() - 1));
        assertEquals(1, assertInstanceOf(Event.class, new FrameCodec().decodeOne(textA)).seq());
    }

    @Test
    void unsubscribeRepliesAndStopsDelivery() {
        server();
        FakeTransport transport = transport();
        Connection connection = helloed(transport);
        subscribe(connection, transport, 2, "news.a");
        server.hub().publish("news.a", JsonNodeFactory.instance.textNode("one"));

        connection.onText("{\"type\":\"unsubscribe\",\"id\":3,\"channel\":\"news.a\"}");
        server.hub().publish("news.a", JsonNodeFactory.instance.textNode("two"));
        sync(connection, transport);

        assertEquals(List.of(1L), transport.frames(Event.class).stream().map(Event::seq).toList());
        assertEquals(List.of(new Unsubscribed(3L, "news.a")), transport.frames(Unsubscribed.class));
    }

    /**
     * A client that stops reading: its writer blocks, its queue fills, it is closed with 4001. The publisher
     * never waits for it, and another subscriber of the same channel still gets every event in order.
     */
    @Test
    void aSlowConsumerIsClosedWith4001WhileOthersKeepEverythingAndPublishNeverBlocks() {
        server(b -> b.maxQueueBytes(4_096));
        FakeTransport fast = transport();
        FakeTransport slow = transport();
        Connection fastConnection = helloed(fast);
        Connection slowConnection = helloed(slow);
        subscribe(fastConnection, fast, 2, "news.busy");
        subscribe(slowConnection, slow, 2, "news.busy");
        slow.blockSends();
        int events = 300;
        String padding = "p".repeat(100);

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 1; i <= events; i++) {
                server.hub().publish("news.busy", JsonNodeFactory.instance.objectNode().put("i", i).put("pad", padding));
                if (i % 10 == 0) {
                    // Let the fast reader keep up, so that only the blocked one can go over budget.
                    long seq = i;
                    fast.awaitFrame(Event.class, e -> e.seq() == seq);
                }
            }
        }, "publish blocked behind a slow consumer");

        assertEquals(CloseCode.SLOW_CONSUMER, slow.awaitClose());
        assertEquals(List.of(CloseCode.SLOW_CONSUMER), slow.closeCodes(), "closed once");
        List<Long> seqs = fast.frames(Event.class).stream().map(Event::seq).toList();
        assertEquals(events, seqs.size());
        for (int i = 0; i < events; i++) {
            assertEquals(i + 1, seqs.get(i));
        }
        assertEquals(List.of(), fast.closeCodes());
        assertEquals(1, server.hub().subscriberCount(ChannelKey.of("news.busy")));
        assertEquals(1, server.attachedSessionCount());
        assertEquals(1L, server.counters().snapshot().get("slowConsumerCloses"));
        assertEquals(Connection.State.CLOSED, slowConnection.state());
    }

    @Test
    void aFailedWriteDetachesTheConnection() {
        server();
        FakeTransport transport = transport();
        Connection connection = helloed(transport);
        subscribe(connection, transport, 2, "news.a");
        transport.failSendsWith(new IOException("reset"));

        server.hub().publish("news.a", JsonNodeFactory.instance.textNode("x"));

        assertEquals(CloseCode.GOING_AWAY, transport.awaitClose());
        FakeTransport.await(() -> server.attachedSessionCount() == 0, "the session to go");
        assertEquals(0, server.connectionCount());
        assertEquals(0, server.hub().subscriberCount(ChannelKey.of("news.a")));
    }

    @Test
    void binaryMessagesAreBadRequests() {
        server();
        FakeTransport transport = transport();
        Connection connection = helloed(transport);

        connection.onBinary();
        sync(connection, transport);

        assertEquals(ErrorCode.BAD_REQUEST, errors(transport).get(0).code());
        assertNull(errors(transport).get(0).id());
    }

    @Test
    void serverCloseSaysGoingAwayToEveryConnection() {
        server();
        FakeTransport transport = transport();
        helloed(transport);

        server.close();

        assertEquals(CloseCode.GOING_AWAY, transport.awaitClose());
        assertEquals(0, server.attachedSessionCount());
    }

    /** SessionRegistry promises "a connection that never completes its hello never appears here (no ghost sessions)". */
    @Test
    void aConnectionThatFailsWhileSayingWelcomeLeavesNoGhostSession() {
        // A welcome larger than the queue budget fails the connection inside onHello, between the switch to
        // OPEN and the registration: the same window a concurrent onTransportClosed/close can hit.
        server(b -> b.maxQueueBytes(64));
        FakeTransport transport = transport();
        Connection connection = server.open(transport);

        connection.onText(HELLO);

        assertEquals(CloseCode.SLOW_CONSUMER, transport.awaitClose());
        assertEquals(Connection.State.CLOSED, connection.state());
        assertEquals(0, server.connectionCount());
        assertEquals(0, server.attachedSessionCount(), "the closed connection's session is still registered");
    }

    /**
     * Two publisher threads on two channels, two slow sessions subscribed to both. The overflow close runs
     * on the publisher's thread while it holds its channel's stream lock (the embedded broker's), and
     * detaching the session leaves the other channel, whose publisher holds that one's: lock-order
     * inversion if done inline. Barrier subscribers make both publishers hold their lock first.
     */
    @Test
    void slowConsumersOnTwoChannelsPublishedFromTwoThreadsDoNotDeadlock() throws Exception {
        server(b -> b.maxQueueBytes(1_000));
        Hub hub = server.hub();
        ChannelRoute one = hub.route("multi.one").orElseThrow();
        ChannelRoute two = hub.route("multi.two").orElseThrow();
        CyclicBarrier bothLocked = new CyclicBarrier(2);
        Subscriber holdUntilBothLocked = new Subscriber() {
            @Override
            public void offerFrame(String encodedFrame, long accountedSeq) {
                // the subscribed reply
            }

            @Override
            public void offerEvent(long seq, String encodedEvent) {
                try {
                    bothLocked.await(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        // Subscriber order per channel: barrier first, then the session that overflows on it first.
        hub.join(one, holdUntilBothLocked, Subscribe.of(0, "multi.one"), null);
        hub.join(two, holdUntilBothLocked, Subscribe.of(0, "multi.two"), null);
        FakeTransport first = transport();
        FakeTransport second = transport();
        first.blockSends();
        second.blockSends();
        Connection c1 = server.open(first);
        c1.onText(HELLO);
        c1.onText("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"multi.one\"}");
        c1.onText("{\"type\":\"subscribe\",\"id\":3,\"channel\":\"multi.two\"}");
        Connection c2 = server.open(second);
        c2.onText(HELLO);
        c2.onText("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"multi.two\"}");
        c2.onText("{\"type\":\"subscribe\",\"id\":3,\"channel\":\"multi.one\"}");
        // One event is over the 1000-character budget on its own: each session overflows on its first one.
        String big = "b".repeat(1_200);
        Thread publisherOne = Thread.ofPlatform().daemon().name("test-publisher-one").start(
                () -> hub.publish("multi.one", JsonNodeFactory.instance.textNode(big)));
        Thread publisherTwo = Thread.ofPlatform().daemon().name("test-publisher-two").start(
                () -> hub.publish("multi.two", JsonNodeFactory.instance.textNode(big)));

        publisherOne.join(3_000);
        publisherTwo.join(1_000);

        long[] deadlocked = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
        assertNull(deadlocked, "publisher threads deadlocked on the channel locks");
        assertFalse(publisherOne.isAlive() || publisherTwo.isAlive(), "a publisher is still blocked");
        assertEquals(CloseCode.SLOW_CONSUMER, first.awaitClose());
        assertEquals(CloseCode.SLOW_CONSUMER, second.awaitClose());
        FakeTransport.await(() -> server.attachedSessionCount() == 0, "both slow sessions to be detached");
    }
}
