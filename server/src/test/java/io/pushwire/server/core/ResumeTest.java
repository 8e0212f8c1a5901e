package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pushwire.protocol.CloseCode;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.Welcome;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Resume through {@link Connection}: a hello with clientId + resumeToken on a new transport. */
class ResumeTest {
    private final ManualTime time = new ManualTime(1_700_000_000_000L);
    private final ServerHarness harness = new ServerHarness(time);
    private PushServer server;

    @AfterEach
    void tearDown() {
        harness.close();
    }

    private void server(UnaryOperator<ServerConfig.Builder> settings) {
        server = harness.start(settings);
    }

    private record Client(FakeTransport transport, Connection connection, Welcome welcome) {
    }

    private Client connect(String hello) {
        FakeTransport transport = harness.transport();
        Connection connection = server.open(transport);
        connection.onText(hello);
        return new Client(transport, connection, transport.awaitFrame(Welcome.class));
    }

    private Client connect() {
        return connect("{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
    }

    private Client resume(Welcome welcome, String positions) {
        return connect("{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"clientId\":\"" + welcome.clientId()
                + "\",\"resumeToken\":\"" + welcome.resumeToken() + "\"" + positions + "}");
    }

    private void subscribe(Client client, String channel) {
        client.connection().onText("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"" + channel + "\"}");
        client.transport().awaitFrame(Subscribed.class, s -> s.channel().equals(channel));
    }

    private void publish(String channel, int count) {
        for (int i = 0; i < count; i++) {
            server.hub().publish(channel, JsonNodeFactory.instance.numberNode(i));
        }
    }

    private static List<Long> seqs(Client client, String channel, int atLeast) {
        FakeTransport.await(() -> client.transport().frames(Event.class).stream()
                .filter(e -> e.channel().equals(channel)).count() >= atLeast, atLeast + " events on " + channel);
        return client.transport().frames(Event.class).stream().filter(e -> e.channel().equals(channel))
                .map(Event::seq).toList();
    }

    private void sync(Client client) {
        harness.sync(client.connection(), client.transport());
    }

    @Test
    void aResumeRestoresTheSubscriptionsAndReplaysWhatWasPublishedWhileAway() {
        server(b -> b);
        Client first = connect();
        subscribe(first, "news.a");
        publish("news.a", 2);
        assertEquals(List.of(1L, 2L), seqs(first, "news.a", 2));
        first.connection().onTransportClosed(1006, "reset");
        publish("news.a", 3);
        String epoch = first.transport().frames(Event.class).get(0).epoch();

        Client second = resume(first.welcome(), ",\"positions\":{\"news.a\":{\"seq\":2,\"epoch\":\"" + epoch + "\"}}");

        assertTrue(second.welcome().resumed());
        assertEquals(first.welcome().clientId(), second.welcome().clientId());
        Subscribed restored = second.transport().awaitFrame(Subscribed.class);
        assertNull(restored.id());
        assertTrue(restored.recovered());
        assertEquals(3, restored.replayed());
        assertEquals(List.of(3L, 4L, 5L), seqs(second, "news.a", 3));
        publish("news.a", 1);
        assertEquals(List.of(3L, 4L, 5L, 6L), seqs(second, "news.a", 4));
        assertEquals(1L, server.counters().snapshot().get("sessionsResumed"));
        assertEquals(1, server.sessionCount());
    }

    @Test
    void aWrongTokenGetsAFreshSessionAndResumeFailed() {
        server(b -> b);
        Client first = connect();
        subscribe(first, "news.a");
        first.connection().onTransportClosed(1000, "bye");

        Client second = connect("{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"clientId\":\""
                + first.welcome().clientId() + "\",\"resumeToken\":\"not-the-token\"}");

        assertFalse(second.welcome().resumed());
        assertNotEquals(first.welcome().clientId(), second.welcome().clientId());
        ErrorFrame error = second.transport().awaitFrame(ErrorFrame.class);
        assertEquals(ErrorCode.RESUME_FAILED, error.code());
        sync(second);
        assertTrue(second.transport().frames(Subscribed.class).isEmpty(), "nothing restored");
        assertEquals(1L, server.counters().snapshot().get("resumesFailed"));
    }

    @Test
    void aResumeOnASecondConnectionClosesTheFirstWith4003() {
        server(b -> b);
        Client first = connect();
        subscribe(first, "news.a");

        Client second = resume(first.welcome(), "");
        publish("news.a", 1);

        assertEquals(CloseCode.TAKEN_OVER, first.transport().awaitClose());
        assertEquals(List.of(1L), seqs(second, "news.a", 1));
        assertTrue(first.transport().frames(Event.class).isEmpty());
        assertEquals(1, server.attachedSessionCount(), "the replaced connection's close left the session attached");
        assertEquals(1L, server.counters().snapshot().get("sessionsReplaced"));
    }

    @Test
    void privatePushesWhileDetachedAreDeliveredInOrderOnResume() {
        server(b -> b);
        Client first = connect();
        subscribe(first, "$me");
        server.pushToSession(first.welcome().clientId(), JsonNodeFactory.instance.textNode("one")).orElseThrow();
        assertEquals(List.of(1L), seqs(first, "$me", 1));
        first.connection().onTransportClosed(1006, "reset");
        for (String text : List.of("two", "three", "four")) {
            server.pushToSession(first.welcome().clientId(), JsonNodeFactory.instance.textNode(text)).orElseThrow();
        }

        Client second = resume(first.welcome(), "");

        assertEquals(List.of(2L, 3L, 4L), seqs(second, "$me", 3));
        assertEquals(List.of("two", "three", "four"), second.transport().frames(Event.class).stream()
                .map(e -> e.data().asText()).toList());
        assertTrue(server.pushToSession("NOSUCHCLIENT", JsonNodeFactory.instance.textNode("x")).isEmpty());
    }

    @Test
    void pushesOverTheDetachedLimitDropTheOldestCountItAndTheResumeSeesAGap() {
        server(b -> b.maxPendingMe(2));
        Client first = connect();
        subscribe(first, "$me");
        for (String text : List.of("one", "two", "three")) {
            server.pushToSession(first.welcome().clientId(), JsonNodeFactory.instance.textNode(text)).orElseThrow();
        }
        assertEquals(List.of(1L, 2L, 3L), seqs(first, "$me", 3), "written before the transport goes");
        sync(first); // the writer has moved past them, so they are accounted as written
        assertEquals(0L, server.counters().snapshot().get("pendingMeDropped"), "attached: all were delivered");
        first.connection().onTransportClosed(1006, "reset");
        for (String text : List.of("four", "five", "six")) {
            server.pushToSession(first.welcome().clientId(), JsonNodeFactory.instance.textNode(text)).orElseThrow();
        }

        Client second = resume(first.welcome(), "");

        assertEquals(1L, server.counters().snapshot().get("pendingMeDropped"),
                "four was pushed out undelivered (two and three had been written)");
        Gap gap = second.transport().awaitFrame(Gap.class, g -> g.channel().equals("$me"));
        assertEquals(new Gap("$me", 4, 4, GapReason.HISTORY_EXPIRED), gap);
        // The gap and the events may leave in separate writes: wait for both events before reading them.
        assertEquals(List.of(5L, 6L), seqs(second, "$me", 2));
        assertEquals(List.of("five", "six"), second.transport().frames(Event.class).stream()
                .filter(e -> e.channel().equals("$me")).map(e -> e.data().asText()).toList());
    }

    @Test
    void subscribingToMeDeliversWhatWasPushedBefore() {
        server(b -> b);
        Client client = connect();
        server.pushToSession(client.welcome().clientId(), JsonNodeFactory.instance.textNode("early")).orElseThrow();

        subscribe(client, "$me");

        assertEquals(List.of(1L), seqs(client, "$me", 1));
    }

    @Test
    void afterTheTtlTheSessionIsGoneAndAResumeStartsAfresh() {
        server(b -> b.sessionTtlMs(1_000));
        Client first = connect();
        first.connection().onTransportClosed(1006, "reset");

        time.advance(1_000);
        server.expireSessions();
        Client second = resume(first.welcome(), "");

        assertFalse(second.welcome().resumed());
        assertEquals(ErrorCode.RESUME_FAILED, second.transport().awaitFrame(ErrorFrame.class).code());
        assertEquals(1L, server.counters().snapshot().get("sessionsExpired"));
    }

    @Test
    void theRateLimitBucketSurvivesAResume() {
        server(b -> b.inboundRatePerSec(1).inboundBurst(5));
        Client first = connect(); // hello takes a token: 4 left, and the clock stands still
        for (int i = 0; i < 3; i++) {
            sync(first);
        }
        first.connection().onTransportClosed(1006, "reset");

        Client second = resume(first.welcome(), "");
        sync(second); // the last token
        second.connection().onText("{\"type\":\"subscribe\",\"id\":9,\"channel\":\"news.x\"}");

        ErrorFrame limited = second.transport().awaitFrame(ErrorFrame.class);
        assertEquals(ErrorCode.RATE_LIMITED, limited.code());
        assertEquals(9L, limited.id());
    }

    /**
     * The newest connection wins by when it was opened: a hello that comes late on a connection opened
     * before the one now holding the session (a client that gave up on it when its welcome was late, and
     * resumed on a new one) must not take the session from the connection in use.
     */
    @Test
    void aResumeOnAConnectionOpenedBeforeTheOneHoldingTheSessionIsRefusedWith4003() {
        server(settings -> settings);
        Client first = connect();
        subscribe(first, "news.a");
        first.connection().onTransportClosed(1006, "cut");
        FakeTransport olderTransport = harness.transport();
        Connection older = server.open(olderTransport);
        Client newer = resume(first.welcome(), "");

        older.onText("{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"clientId\":\"" + first.welcome().clientId()
                + "\",\"resumeToken\":\"" + first.welcome().resumeToken() + "\"}");

        assertEquals(CloseCode.TAKEN_OVER, olderTransport.awaitClose());
        assertTrue(olderTransport.frames(Welcome.class).isEmpty(), "no session for the older connection");
        sync(newer);
        assertTrue(newer.transport().closeCodes().isEmpty(), "the connection in use keeps the session");
        assertEquals(1, server.attachedSessionCount());
        assertEquals(1, server.sessionCount());
        publish("news.a", 1);
        assertEquals(List.of(1L), seqs(newer, "news.a", 1));
    }
}
