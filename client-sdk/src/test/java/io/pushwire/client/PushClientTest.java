package io.pushwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pushwire.client.internal.ManualScheduler;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Hello;
import io.pushwire.protocol.Ping;
import io.pushwire.protocol.Pong;
import io.pushwire.protocol.ProtocolVersion;
import io.pushwire.protocol.Status;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.Unsubscribe;
import io.pushwire.protocol.Unsubscribed;
import io.pushwire.protocol.Welcome;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SDK against an in-process fake server: every frame on the wire and every callback checked. */
class PushClientTest {
    private static final String TRADES = "sim.trades.BTC-USDT";

    private final FakeServer server = new FakeServer();
    private final RecordingListener listener = new RecordingListener();
    private final ManualScheduler time = new ManualScheduler();
    private final PushClient client = PushClient.builder(URI.create("ws://fake/ws"))
            .listener(listener).transports(server).scheduler(time).random(new FixedRandom(0.5)).build();

    @AfterEach
    void close() {
        client.close();
    }

    /** A client like {@link #client} that never reconnects: what a single connection does. */
    private PushClient clientWithoutReconnect() {
        return PushClient.builder(URI.create("ws://fake/ws")).listener(listener).transports(server).scheduler(time)
                .maxReconnectAttempts(0).build();
    }

    @Test
    void connectSaysHelloAndCompletesOnWelcome() throws Exception {
        CompletableFuture<Void> connected = client.connect();
        FakeServer.Conn conn = server.accept();
        assertEquals(List.of(ProtocolVersion.SUBPROTOCOL), conn.subprotocols);
        Hello hello = assertInstanceOf(Hello.class, conn.read());
        assertEquals(ProtocolVersion.V1, hello.protocol());
        assertEquals("state DISCONNECTED->CONNECTING", listener.next());
        assertEquals(ClientState.CONNECTING, client.state());

        conn.push(welcome(hello.id()));
        connected.get(5, TimeUnit.SECONDS);
        assertEquals("state CONNECTING->CONNECTED", listener.next());
        assertEquals("connected C1", listener.next());
        assertEquals(ClientState.CONNECTED, client.state());
        assertEquals("C1", client.clientId());
        listener.assertNoMore();
    }

    @Test
    void subscriptionMadeBeforeConnectIsSentAfterWelcomeAndDeliversInOrder() throws Exception {
        CompletableFuture<Subscribed> ready = client.subscribe(TRADES, listener.handler());
        FakeServer.Conn conn = connect();
        Subscribe subscribe = assertInstanceOf(Subscribe.class, conn.read());
        assertEquals(TRADES, subscribe.channel());
        assertEquals(null, subscribe.since());

        conn.push(new Subscribed(subscribe.id(), TRADES, "E1", 41, false, 0));
        assertEquals(41, ready.get(5, TimeUnit.SECONDS).seq());
        conn.pushBatch(event(42), event(43), event(44));
        assertEquals("event " + TRADES + " 42", listener.next());
        assertEquals("event " + TRADES + " 43", listener.next());
        assertEquals("event " + TRADES + " 44", listener.next());
        listener.assertNoMore();
    }

    @Test
    void duplicateEventsReachTheApplicationOnce() throws Exception {
        FakeServer.Conn conn = connectAndSubscribe();
        conn.push(event(1));
        conn.pushBatch(event(1), event(2), event(2));
        conn.push(event(1));
        conn.push(event(3));
        assertEquals("event " + TRADES + " 1", listener.next());
        assertEquals("event " + TRADES + " 2", listener.next());
        assertEquals("event " + TRADES + " 3", listener.next());
        listener.assertNoMore();
    }

    @Test
    void serverErrorFailsTheSubscriptionAndForgetsIt() throws Exception {
        CompletableFuture<Subscribed> ready = client.subscribe("sim.trades.NOPE", listener.handler());
        FakeServer.Conn conn = connect();
        Subscribe subscribe = assertInstanceOf(Subscribe.class, conn.read());
        conn.push(ErrorFrame.of(subscribe.id(), ErrorCode.UNKNOWN_CHANNEL, "no channel"));
        CompletionException failure = assertThrows(CompletionException.class, ready::join);
        PushClientException cause = assertInstanceOf(PushClientException.class, failure.getCause());
        assertEquals(ErrorCode.UNKNOWN_CHANNEL, cause.errorCode());
        listener.assertNoMore();

        conn.push(new Event("sim.trades.NOPE", 1, "E1", 1, JsonNodeFactory.instance.objectNode()));
        listener.assertNoMore();
    }

    @Test
    void errorWithoutRequestIdGoesToTheListener() throws Exception {
        FakeServer.Conn conn = connect();
        conn.push(ErrorFrame.of(null, ErrorCode.RESUME_FAILED, "new session"));
        assertEquals("error resume_failed resume_failed: new session", listener.next());
        listener.assertNoMore();
    }

    @Test
    void answersServerPingWithPongEchoingTs() throws Exception {
        FakeServer.Conn conn = connect();
        conn.push(new Ping(1234L));
        assertEquals(new Pong(1234L), conn.read());
    }

    @Test
    void gapAndStatusReachTheListener() throws Exception {
        FakeServer.Conn conn = connectAndSubscribe();
        conn.push(event(1));
        conn.push(new Gap(TRADES, 2, 5, GapReason.HISTORY_EXPIRED));
        conn.push(new Status(TRADES, true, "feed down"));
        conn.push(event(6));
        assertEquals("event " + TRADES + " 1", listener.next());
        assertEquals("gap " + TRADES + " 2..5 history_expired", listener.next());
        assertEquals("status " + TRADES + " stale=true", listener.next());
        assertEquals("event " + TRADES + " 6", listener.next());
        listener.assertNoMore();
    }

    @Test
    void handlerExceptionIsReportedAndDeliveryGoesOn() throws Exception {
        client.subscribe(TRADES, event -> {
            if (event.seq() == 2) {
                throw new IllegalStateException("boom");
            }
            listener.handler().onEvent(event);
        });
        FakeServer.Conn conn = connect();
        Subscribe subscribe = (Subscribe) conn.read();
        conn.push(new Subscribed(subscribe.id(), TRADES, "E1", 0, false, 0));
        conn.pushBatch(event(1), event(2), event(3));
        assertEquals("event " + TRADES + " 1", listener.next());
        assertTrue(listener.next().startsWith("error null handler of '" + TRADES + "' threw on seq 2"));
        assertEquals("event " + TRADES + " 3", listener.next());
        listener.assertNoMore();
    }

    @Test
    void unsubscribeWaitsForTheReplyAndStopsDelivery() throws Exception {
        FakeServer.Conn conn = connectAndSubscribe();
        CompletableFuture<Void> done = client.unsubscribe(TRADES);
        Unsubscribe unsubscribe = assertInstanceOf(Unsubscribe.class, conn.read());
        conn.push(event(1));
        conn.push(new Unsubscribed(unsubscribe.id(), TRADES));
        done.get(5, TimeUnit.SECONDS);
        listener.assertNoMore();
    }

    @Test
    void serverCloseWithoutReconnectDisconnectsAndFailsRequestsInFlight() throws Exception {
        try (PushClient single = clientWithoutReconnect()) {
            CompletableFuture<Void> connected = single.connect();
            FakeServer.Conn conn = server.accept();
            conn.push(welcome(((Hello) conn.read()).id()));
            connected.get(5, TimeUnit.SECONDS);
            assertEquals("state DISCONNECTED->CONNECTING", listener.next());
            assertEquals("state CONNECTING->CONNECTED", listener.next());
            assertEquals("connected C1", listener.next());
            CompletableFuture<Subscribed> ready = single.subscribe(TRADES, listener.handler());
            conn.read();
            conn.closeFromServer(4001, "slow consumer");
            assertEquals("state CONNECTED->DISCONNECTED", listener.next());
            assertEquals("disconnected 4001", listener.next());
            assertTrue(listener.next().startsWith("stopped 4001 stopped reconnecting: reconnecting is disabled"));
            PushClientException cause = assertInstanceOf(PushClientException.class,
                    assertThrows(CompletionException.class, ready::join).getCause());
            assertEquals(4001, cause.closeCode());
            assertEquals(ClientState.DISCONNECTED, single.state());
            listener.assertNoMore();
        }
        assertEquals("state DISCONNECTED->CLOSED", listener.next());
    }

    @Test
    void serverCloseReconnectsAndTheSubscribeInFlightCompletesOnTheNextConnection() throws Exception {
        FakeServer.Conn conn = connect();
        CompletableFuture<Subscribed> ready = client.subscribe(TRADES, listener.handler());
        conn.read();
        conn.closeFromServer(4001, "slow consumer");
        assertEquals("state CONNECTED->CONNECTING", listener.next());
        assertEquals("disconnected 4001", listener.next());
        assertEquals("reconnecting 1 in 250ms", listener.next());
        assertEquals(ClientState.CONNECTING, client.state());
        assertTrue(!ready.isDone(), "the subscription survives the connection");
        listener.assertNoMore();

        time.advance(250);
        FakeServer.Conn second = server.accept();
        second.welcome("C1", true);
        assertEquals("state CONNECTING->CONNECTED", listener.next());
        assertEquals("connected C1", listener.next());
        Subscribe again = assertInstanceOf(Subscribe.class, second.read()); // never confirmed: sent again
        second.push(new Subscribed(again.id(), TRADES, "E1", 7, false, 0));
        assertEquals(7, ready.get(5, TimeUnit.SECONDS).seq());
        listener.assertNoMore();
    }

    @Test
    void subscriptionsAreSentAgainOnTheNextConnection() throws Exception {
        FakeServer.Conn first = connectAndSubscribe();
        first.push(event(1));
        assertEquals("event " + TRADES + " 1", listener.next());
        first.closeFromServer(1001, "going away");
        assertEquals("state CONNECTED->CONNECTING", listener.next());
        assertEquals("disconnected 1001", listener.next());
        assertEquals("reconnecting 1 in 250ms", listener.next());

        CompletableFuture<Void> again = client.connect();
        time.advance(250);
        FakeServer.Conn second = server.accept();
        Hello hello = (Hello) second.read();
        second.push(welcome(hello.id()));
        again.get(5, TimeUnit.SECONDS);
        assertEquals("state CONNECTING->CONNECTED", listener.next());
        assertEquals("connected C1", listener.next());
        Subscribe resubscribe = assertInstanceOf(Subscribe.class, second.read());
        assertEquals(TRADES, resubscribe.channel());
        assertEquals(1, resubscribe.since().seq());
        assertEquals("E1", resubscribe.since().epoch());
        listener.assertNoMore();
    }

    @Test
    void callbacksFromAReplacedConnectionAreIgnored() throws Exception {
        FakeServer.Conn conn = connectAndSubscribe();
        client.close();
        assertEquals("state CONNECTED->CLOSED", listener.next());
        assertEquals(1000, conn.closedWithCode);
        conn.push(event(1));
        conn.closeFromServer(1006, "late");
        listener.assertNoMore();
        assertEquals(ClientState.CLOSED, client.state());
    }

    @Test
    void failedConnectWithoutReconnectReportsAndReturnsToDisconnected() throws Exception {
        server.refuseConnections();
        try (PushClient single = clientWithoutReconnect()) {
            CompletionException failure = assertThrows(CompletionException.class, () -> single.connect().join());
            assertInstanceOf(PushClientException.class, failure.getCause());
            assertEquals("state DISCONNECTED->CONNECTING", listener.next());
            assertEquals("state CONNECTING->DISCONNECTED", listener.next());
            assertEquals("disconnected 1006", listener.next());
            assertTrue(listener.next().startsWith("stopped 1006"));
            listener.assertNoMore();
        }
        assertEquals("state DISCONNECTED->CLOSED", listener.next());
    }

    @Test
    void failedConnectKeepsTryingUntilTheServerAnswers() throws Exception {
        server.refuseConnections();
        CompletableFuture<Void> connected = client.connect();
        assertEquals("state DISCONNECTED->CONNECTING", listener.next());
        assertEquals("disconnected 1006", listener.next());
        assertEquals("reconnecting 1 in 250ms", listener.next());
        time.advance(250);
        assertEquals("disconnected 1006", listener.next());
        assertEquals("reconnecting 2 in 500ms", listener.next());
        assertTrue(!connected.isDone());

        server.acceptConnections();
        time.advance(500);
        server.accept().welcome("C1", false);
        connected.get(5, TimeUnit.SECONDS);
        assertEquals("state CONNECTING->CONNECTED", listener.next());
        assertEquals("connected C1", listener.next());
        listener.assertNoMore();
    }

    @Test
    void closedClientRefusesWork() {
        client.close();
        assertThrows(CompletionException.class, () -> client.connect().join());
        assertThrows(CompletionException.class, () -> client.subscribe(TRADES, e -> { }).join());
    }

    @Test
    void invalidChannelNamesAreRejectedAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> client.subscribe("bad channel", e -> { }));
        assertThrows(IllegalArgumentException.class, () -> client.subscribe("x".repeat(129), e -> { }));
    }

    @Test
    void undecodableServerMessageIsReportedNotFatal() throws Exception {
        FakeServer.Conn conn = connectAndSubscribe();
        conn.push("{not json");
        assertTrue(listener.next().startsWith("error null undecodable server message"));
        conn.push(event(1));
        assertEquals("event " + TRADES + " 1", listener.next());
    }

    private FakeServer.Conn connect() throws Exception {
        CompletableFuture<Void> connected = client.connect();
        FakeServer.Conn conn = server.accept();
        Frame hello = conn.read();
        conn.push(welcome(((Hello) hello).id()));
        connected.get(5, TimeUnit.SECONDS);
        assertEquals("state DISCONNECTED->CONNECTING", listener.next());
        assertEquals("state CONNECTING->CONNECTED", listener.next());
        assertEquals("connected C1", listener.next());
        return conn;
    }

    private FakeServer.Conn connectAndSubscribe() throws Exception {
        FakeServer.Conn conn = connect();
        CompletableFuture<Subscribed> ready = client.subscribe(TRADES, listener.handler());
        Subscribe subscribe = (Subscribe) conn.read();
        conn.push(new Subscribed(subscribe.id(), TRADES, "E1", 0, false, 0));
        ready.get(5, TimeUnit.SECONDS);
        return conn;
    }

    private static Welcome welcome(Long id) {
        return new Welcome(id, "C1", "secret", false, new Welcome.Heartbeat(25_000, 10_000),
                new Welcome.Limits(50, 100, 65_536), 120_000);
    }

    private static Event event(long seq) {
        return new Event(TRADES, seq, "E1", 1_700_000_000_000L + seq,
                JsonNodeFactory.instance.objectNode().put("n", seq));
    }
}
