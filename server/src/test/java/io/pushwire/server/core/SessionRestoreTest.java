package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.SubscriptionMode;
import io.pushwire.protocol.Welcome;
import io.pushwire.server.broker.MemoryBroker;
import io.pushwire.server.store.MemorySessionStore;
import io.pushwire.server.store.SessionRecord;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The session-store seam: two servers (nodes) that share only a {@link MemorySessionStore}, each with a
 * broker of its own. A session started on one resumes on the other from its record alone: identity,
 * subscriptions with their modes and positions, the inbound budget. Its channels' histories are the
 * other node's broker's, so their positions meet another epoch, which the client is told.
 */
class SessionRestoreTest {
    private static final long TTL = 60_000;
    private final FrameCodec codec = new FrameCodec();
    private final ManualTime time = new ManualTime(1_700_000_000_000L);
    private final MemorySessionStore shared = new MemorySessionStore(time, TTL);
    private final ServerConfig config = ServerConfig.builder().helloTimeoutMs(60_000).sessionTtlMs(TTL)
            .inboundRatePerSec(1).inboundBurst(6).build();
    private final PushServer first = node();
    private final PushServer second = node();

    private PushServer node() {
        return new PushServer(config, codec, time, new MemoryBroker(codec, time, config.history(),
                config.history()), shared);
    }

    @AfterEach
    void stop() {
        first.close();
        second.close();
    }

    private record Client(FakeTransport transport, Connection connection, Welcome welcome) {
    }

    private static Client connect(PushServer node, String hello) {
        FakeTransport transport = new FakeTransport();
        Connection connection = node.open(transport);
        connection.onText(hello);
        return new Client(transport, connection, transport.awaitFrame(Welcome.class));
    }

    private static String resumeHello(Welcome welcome, String token) {
        return "{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"clientId\":\"" + welcome.clientId()
                + "\",\"resumeToken\":\"" + token + "\"}";
    }

    /** A client on the first node subscribed to two channels (one conflated), read up to seq 3, then gone. */
    private Client leftTheFirstNode() {
        Client client = connect(first, "{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
        client.connection().onText("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"news.a\"}");
        client.connection().onText("{\"type\":\"subscribe\",\"id\":3,\"channel\":\"news.b\",\"mode\":\"conflate\",\"intervalMs\":500}");
        client.transport().awaitFrame(Subscribed.class, s -> s.channel().equals("news.b"));
        for (int i = 0; i < 3; i++) {
            first.hub().publish("news.a", JsonNodeFactory.instance.numberNode(i));
        }
        FakeTransport.await(() -> client.transport().frames(io.pushwire.protocol.Event.class).size() == 3, "three events");
        client.connection().onTransportClosed(1006, "node lost");
        return client;
    }

    @Test
    void theRecordHoldsWhatAResumeNeedsAndNoToken() {
        Client client = leftTheFirstNode();

        SessionRecord record = shared.load(client.welcome().clientId()).orElseThrow();

        assertTrue(record.detached());
        assertEquals(List.of("news.a", "news.b"), record.subscriptions().stream().map(s -> s.channel()).sorted().toList());
        assertEquals(3, record.subscriptions().stream().filter(s -> s.channel().equals("news.a")).findFirst()
                .orElseThrow().written().seq());
        assertEquals(SubscriptionMode.CONFLATE, record.subscriptions().stream().filter(s -> s.channel().equals("news.b"))
                .findFirst().orElseThrow().mode());
        assertTrue(record.toString().indexOf(client.welcome().resumeToken()) < 0, "the token itself is never stored");
    }

    @Test
    void aSessionResumesOnANodeThatNeverHeldItWithItsSubscriptionsRestored() {
        Client gone = leftTheFirstNode();

        Client back = connect(second, resumeHello(gone.welcome(), gone.welcome().resumeToken()));

        assertTrue(back.welcome().resumed());
        assertEquals(gone.welcome().clientId(), back.welcome().clientId());
        Subscribed news = back.transport().awaitFrame(Subscribed.class, s -> s.channel().equals("news.a"));
        Subscribed conflated = back.transport().awaitFrame(Subscribed.class, s -> s.channel().equals("news.b"));
        assertNull(news.id(), "restored, not asked for");
        assertNull(conflated.id());
        Gap told = back.transport().awaitFrame(Gap.class, g -> g.channel().equals("news.a"));
        assertEquals(new Gap("news.a", 1, 0, GapReason.EPOCH_CHANGED), told, "this node's broker has another history");
        assertEquals(1, second.sessionCount());
        second.hub().publish("news.a", JsonNodeFactory.instance.textNode("live"));
        FakeTransport.await(() -> !back.transport().frames(io.pushwire.protocol.Event.class).isEmpty(), "a live event");
    }

    /**
     * The first node's copy of a session runs out its TTL there while the session, used on the second node
     * since, is still alive in the store. The sweep drops the copy but not the session's {@code $me}: the
     * record shows a later attachment, another node's. A resume on the first node then restores the session
     * from the record, and its pushes reach it.
     */
    @Test
    void aSessionRestoredWhileItsStaleCopyExpiresKeepsItsInbox() throws Exception {
        PausingBroker pausing = new PausingBroker(new MemoryBroker(codec, time, config.history(), config.history()));
        ExecutorService writer = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory());
        try (PushServer sweeping = new PushServer(config, codec, time, pausing, shared, writer, time)) {
            Client gone = connect(sweeping, "{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
            gone.connection().onText("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"$me\"}");
            gone.transport().awaitFrame(Subscribed.class, s -> s.channel().equals("$me"));
            gone.connection().onTransportClosed(1006, "node lost");
            time.advance(TTL / 2);
            Client there = connect(second, resumeHello(gone.welcome(), gone.welcome().resumeToken()));
            there.transport().awaitFrame(Subscribed.class, s -> s.channel().equals("$me"));
            there.connection().onTransportClosed(1006, "node lost");
            time.advance(TTL / 2); // the first node's copy is over its TTL; the record, detached later, is not
            java.util.concurrent.atomic.AtomicBoolean removed = new java.util.concurrent.atomic.AtomicBoolean();
            pausing.beforeNextRemove(() -> removed.set(true));

            sweeping.expireSessions();
            // The record shows a later attachment (the second node's): the copy goes, the $me stays in the broker.
            assertTrue(!removed.get(), "the sweep dropped the $me of a session another node resumed");
            AtomicReference<Client> back = new AtomicReference<>(
                    connect(sweeping, resumeHello(gone.welcome(), gone.welcome().resumeToken())));

            Client client = back.get();
            assertTrue(client.welcome().resumed(), "the store still had the session");
            client.transport().awaitFrame(Subscribed.class, s -> s.channel().equals("$me"));
            sweeping.pushToSession(client.welcome().clientId(), JsonNodeFactory.instance.textNode("to the restored session"))
                    .orElseThrow();
            Event pushed = client.transport().awaitFrame(Event.class, e -> e.channel().equals("$me"));
            assertEquals("to the restored session", pushed.data().asText());
        }
    }

    private static boolean waitsOrEnded(Thread thread) {
        Thread.State state = thread.getState();
        return state == Thread.State.WAITING || state == Thread.State.BLOCKED || state == Thread.State.TERMINATED;
    }

    @Test
    void operatorsSeeOnOneNodeTheSessionsTheSharedStoreKeepsForAnother() {
        Client onFirst = connect(first, "{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
        onFirst.connection().onText("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"news.a\"}");
        onFirst.transport().awaitFrame(Subscribed.class, s -> s.channel().equals("news.a"));

        SessionView seen = second.session(onFirst.welcome().clientId()).orElseThrow();

        assertTrue(seen.attached());
        assertEquals("local", seen.node(), "the store's name for the node holding it");
        assertNull(seen.remoteAddress(), "only the holding node knows the connection");
        assertEquals(List.of("news.a"), seen.subscriptions(), "as its record says");
        assertTrue(second.sessions(0, 10).sessions().stream().anyMatch(view -> view.clientId().equals(onFirst.welcome().clientId())),
                "listed by the node that does not hold it");
        assertTrue(second.session("NOSUCHCLIENT").isEmpty());
    }

    @Test
    void aWrongTokenResumesNothingOnTheOtherNode() {
        Client gone = leftTheFirstNode();

        Client other = connect(second, resumeHello(gone.welcome(), "not-the-token"));

        assertEquals(false, other.welcome().resumed());
        assertEquals(ErrorCode.RESUME_FAILED, other.transport().awaitFrame(ErrorFrame.class).code());
    }

    @Test
    void theInboundBudgetTravelsWithTheSession() {
        Client gone = leftTheFirstNode(); // hello and two subscribes: 3 of a burst of 6 frames, 3 left

        Client back = connect(second, resumeHello(gone.welcome(), gone.welcome().resumeToken()));
        back.connection().onText("{\"type\":\"ping\",\"ts\":1}");
        back.connection().onText("{\"type\":\"ping\",\"ts\":2}");
        back.connection().onText("{\"type\":\"ping\",\"ts\":3}");
        back.connection().onText("{\"type\":\"ping\",\"ts\":4}");

        ErrorFrame limited = back.transport().awaitFrame(ErrorFrame.class, e -> e.code().equals(ErrorCode.RATE_LIMITED));
        assertEquals(ErrorCode.RATE_LIMITED, limited.code(), "the burst was not refilled by moving to another node");
    }
}
