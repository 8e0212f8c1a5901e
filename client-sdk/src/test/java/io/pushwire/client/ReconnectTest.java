package io.pushwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pushwire.client.internal.ManualScheduler;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Goaway;
import io.pushwire.protocol.Hello;
import io.pushwire.protocol.Ping;
import io.pushwire.protocol.Pong;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.Publish;
import io.pushwire.protocol.Refresh;
import io.pushwire.protocol.Status;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.Unsubscribe;
import io.pushwire.protocol.Unsubscribed;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reconnecting, resuming client against the in-process fake server, with time moved by hand. Every
 * callback is recorded with its thread; each test ends with no callback left over.
 */
class ReconnectTest {
    private static final String TRADES = "sim.trades.BTC-USDT";
    private static final String TICKER = "sim.ticker.ETH-USDT";

    private final FakeServer server = new FakeServer();
    private final RecordingListener listener = new RecordingListener();
    private final ManualScheduler time = new ManualScheduler();
    private final FixedRandom random = new FixedRandom(0.5);
    private PushClient client = builder().build();

    private PushClient.Builder builder() {
        return PushClient.builder(URI.create("ws://fake/ws")).listener(listener).transports(server)
                .scheduler(time).random(random);
    }

    @AfterEach
    void noLeftovers() throws Exception {
        try {
            listener.assertNoMore();
        } finally {
            client.close();
        }
    }

    // ------------------------------------------------------------------ reconnect and resume

    @Test
    void reconnectsAfterAnAbruptDropAndResumesWithClientIdTokenAndPositions() throws Exception {
        FakeServer.Conn first = connect("C1");
        subscribe(first, TRADES, "E1", 0);
        first.pushBatch(event(TRADES, "E1", 1), event(TRADES, "E1", 2), event(TRADES, "E1", 3));
        expectEvents(TRADES, 1, 2, 3);

        first.dropAbruptly();
        expectReconnecting(1006, 1, 250);
        assertEquals(List.of(250L), time.pendingDelays());
        time.advance(250);
        FakeServer.Conn second = server.accept();
        Hello hello = (Hello) second.read();
        assertEquals("C1", hello.clientId());
        assertEquals("secret-C1", hello.resumeToken());
        assertEquals(Map.of(TRADES, new Position(3, "E1")), hello.positions());
        second.push(FakeServer.welcome(hello.id(), "C1", true));
        expectConnected("C1");

        // The server restores the subscription itself and replays from an older position: 2 and 3 overlap.
        second.pushBatch(new Subscribed(null, TRADES, "E1", 6, true, 5),
                event(TRADES, "E1", 2), event(TRADES, "E1", 3), event(TRADES, "E1", 4));
        second.pushBatch(event(TRADES, "E1", 3), event(TRADES, "E1", 5), event(TRADES, "E1", 6));
        expectEvents(TRADES, 4, 5, 6);
        second.assertSilent(); // nothing re-subscribed: the session kept it

        ClientStats stats = client.stats();
        assertEquals(ClientState.CONNECTED, stats.state());
        assertEquals(2, stats.connectionAttempts());
        assertEquals(2, stats.connectionSuccesses());
        assertEquals(0, stats.connectionFailures());
        assertEquals(1, stats.reconnects());
        assertEquals(1, stats.resumes());
        assertEquals(1, stats.disconnects());
        assertEquals(6, stats.eventsReceived());
        assertEquals(3, stats.duplicatesDropped());
        assertEquals(1006, stats.lastError().closeCode());
        assertNotNull(stats.lastErrorAt());
    }

    @Test
    void resumeFailedResubscribesEverythingWithSinceAndHistoryFillsTheHole() throws Exception {
        FakeServer.Conn first = connect("C1");
        subscribe(first, TRADES, "E1", 10);
        subscribe(first, TICKER, "T1", 0);
        first.push(event(TRADES, "E1", 11));
        expectEvents(TRADES, 11);
        first.closeFromServer(1001, "restart");
        expectReconnecting(1001, 1, 250);

        time.advance(250);
        FakeServer.Conn second = server.accept();
        Hello hello = (Hello) second.read();
        assertEquals("C1", hello.clientId());
        // The session is gone: a fresh one, then resume_failed without an id.
        second.push(FakeServer.welcome(hello.id(), "C2", false));
        expectConnected("C2");
        assertEquals("C2", client.clientId());
        second.push(ErrorFrame.of(null, ErrorCode.RESUME_FAILED, "unknown session"));
        assertEquals("error resume_failed resume_failed: unknown session", listener.next());

        // Both subscriptions in one batch message, each from its own position.
        String message = second.readMessage();
        assertTrue(message.startsWith("["), message);
        List<Frame> frames = FakeServer.CODEC.decode(message);
        Subscribe trades = (Subscribe) frames.get(0);
        Subscribe ticker = (Subscribe) frames.get(1);
        assertEquals(new Position(11, "E1"), trades.since());
        assertEquals(new Position(0, "T1"), ticker.since());

        second.pushBatch(new Subscribed(trades.id(), TRADES, "E1", 20, false, 5),
                new Gap(TRADES, 12, 14, GapReason.HISTORY_EXPIRED),
                event(TRADES, "E1", 15), event(TRADES, "E1", 20));
        assertEquals("gap " + TRADES + " 12..14 history_expired", listener.next());
        expectEvents(TRADES, 15, 20);
        second.pushBatch(new Subscribed(ticker.id(), TICKER, "T1", 1, true, 1), event(TICKER, "T1", 1));
        expectEvents(TICKER, 1);
        assertEquals(1, client.stats().gaps());
    }

    @Test
    void afterAResumeOnlyWhatTheSessionDidNotHaveIsSubscribed() throws Exception {
        FakeServer.Conn first = connect("C1");
        subscribe(first, TRADES, "E1", 5);
        first.dropAbruptly();
        expectReconnecting(1006, 1, 250);
        // Made while disconnected: the server's session cannot know it.
        CompletableFuture<Subscribed> ticker = client.subscribe(TICKER, listener.handler());

        time.advance(250);
        FakeServer.Conn second = server.accept();
        Hello hello = second.welcome("C1", true);
        assertEquals(Map.of(TRADES, new Position(5, "E1")), hello.positions());
        expectConnected("C1");
        Subscribe subscribe = (Subscribe) second.read();
        assertEquals(TICKER, subscribe.channel());
        assertNull(subscribe.since());
        second.assertSilent();
        second.push(new Subscribed(null, TRADES, "E1", 5, true, 0));
        second.push(new Subscribed(subscribe.id(), TICKER, "T1", 3, false, 0));
        assertEquals(3, ticker.get(5, TimeUnit.SECONDS).seq());

        // Restored subscriptions survive the restore timeout untouched.
        time.advance(5_000);
        sync();
        second.assertSilent();
    }

    @Test
    void aRestoredSubscriptionTheServerDoesNotConfirmIsSubscribedAgain() throws Exception {
        FakeServer.Conn first = connect("C1");
        subscribe(first, TRADES, "E1", 5);
        first.push(event(TRADES, "E1", 6));
        expectEvents(TRADES, 6);
        first.dropAbruptly();
        expectReconnecting(1006, 1, 250);
        time.advance(250);
        FakeServer.Conn second = server.accept();
        second.welcome("C1", true);
        expectConnected("C1");
        second.assertSilent();

        time.advance(4_999);
        sync();
        second.assertSilent();
        time.advance(1);
        Subscribe again = (Subscribe) second.read();
        assertEquals(TRADES, again.channel());
        assertEquals(new Position(6, "E1"), again.since());
    }

    @Test
    void aChannelUnsubscribedWhileDisconnectedIsDroppedWhenTheSessionRestoresIt() throws Exception {
        FakeServer.Conn first = connect("C1");
        subscribe(first, TRADES, "E1", 0);
        first.dropAbruptly();
        expectReconnecting(1006, 1, 250);
        client.unsubscribe(TRADES).get(5, TimeUnit.SECONDS); // nobody to tell now

        time.advance(250);
        FakeServer.Conn second = server.accept();
        Hello hello = second.welcome("C1", true);
        assertNull(hello.positions());
        expectConnected("C1");
        second.pushBatch(new Subscribed(null, TRADES, "E1", 3, true, 0), event(TRADES, "E1", 4));
        Unsubscribe unsubscribe = (Unsubscribe) second.read();
        assertEquals(TRADES, unsubscribe.channel());
        second.push(new Unsubscribed(unsubscribe.id(), TRADES));
    }

    @Test
    void aNewEpochAfterReconnectIsAnnouncedAndItsSeqsAccepted() throws Exception {
        FakeServer.Conn first = connect("C1");
        subscribe(first, TRADES, "E1", 0);
        first.pushBatch(event(TRADES, "E1", 1), event(TRADES, "E1", 2));
        expectEvents(TRADES, 1, 2);
        first.dropAbruptly();
        expectReconnecting(1006, 1, 250);
        time.advance(250);
        FakeServer.Conn second = server.accept();
        second.welcome("C1", true);
        expectConnected("C1");
        // The server restarted in memory mode: history lost, a new epoch numbered from 1.
        second.pushBatch(new Subscribed(null, TRADES, "E2", 2, false, 2),
                new Gap(TRADES, 1, 0, GapReason.EPOCH_CHANGED),
                event(TRADES, "E2", 1), event(TRADES, "E2", 2), event(TRADES, "E1", 3), event(TRADES, "E2", 3));
        assertEquals("gap " + TRADES + " 1..0 epoch_changed", listener.next());
        expectEvents(TRADES, 1, 2, 3);
        assertEquals(1, client.stats().duplicatesDropped());
    }

    @Test
    void aResumePositionTheServerRefusesContinuesFromTheHeadItRestoredWithoutLosingEvents() throws Exception {
        FakeServer.Conn first = connect("C1");
        subscribe(first, TRADES, "E1", 0);
        first.pushBatch(event(TRADES, "E1", 1), event(TRADES, "E1", 2), event(TRADES, "E1", 3));
        expectEvents(TRADES, 1, 2, 3);
        first.dropAbruptly();
        expectReconnecting(1006, 1, 250);
        time.advance(250);
        FakeServer.Conn second = server.accept();
        second.welcome("C1", true);
        expectConnected("C1");
        second.pushBatch(ErrorFrame.of(null, ErrorCode.BAD_REQUEST, "position 3 of 'sim.trades.BTC-USDT' is ahead of head 1"),
                new Subscribed(null, TRADES, "E1", 1, false, 0), event(TRADES, "E1", 2), event(TRADES, "E1", 3));
        assertEquals("error bad_request bad_request: position 3 of 'sim.trades.BTC-USDT' is ahead of head 1",
                listener.next());
        expectEvents(TRADES, 2, 3);
    }

    @Test
    void meWithoutSinceDeliversWhatItStillHolds() throws Exception {
        FakeServer.Conn conn = connect("C1");
        CompletableFuture<Subscribed> ready = client.subscribe("$me", listener.handler());
        Subscribe subscribe = (Subscribe) conn.read();
        assertNull(subscribe.since());
        conn.pushBatch(new Subscribed(subscribe.id(), "$me", "M1", 3, false, 0),
                event("$me", "M1", 1), event("$me", "M1", 2), event("$me", "M1", 3), event("$me", "M1", 4));
        ready.get(5, TimeUnit.SECONDS);
        expectEvents("$me", 1, 2, 3, 4);
    }

    @Test
    void callbacksOfTheReplacedConnectionAreDropped() throws Exception {
        FakeServer.Conn first = connect("C1");
        subscribe(first, TRADES, "E1", 0);
        first.dropAbruptly();
        expectReconnecting(1006, 1, 250);
        time.advance(250);
        FakeServer.Conn second = server.accept();
        second.welcome("C1", true);
        expectConnected("C1");

        first.push(event(TRADES, "E1", 1));
        first.push(new Ping(1L));
        first.closeFromServer(4003, "taken over by your own new connection");
        first.dropAbruptly();
        listener.assertNoMore();
        first.assertSilent();
        assertEquals(ClientState.CONNECTED, client.state());
        assertEquals(2, server.opens());
    }

    // ------------------------------------------------------------------ when to stop

    @Test
    void terminalCloseStopsReportsWhyAndConnectStartsAgain() throws Exception {
        FakeServer.Conn first = connect("C1");
        CompletableFuture<Subscribed> pending = client.subscribe(TRADES, listener.handler());
        first.read();
        first.closeFromServer(4400, "no hello");
        assertEquals("state CONNECTED->DISCONNECTED", listener.next());
        assertEquals("disconnected 4400", listener.next());
        assertEquals("stopped 4400 stopped reconnecting: terminal close code 4400 (last close 4400 no hello)",
                listener.next());
        assertEquals(4400, assertInstanceOf(PushClientException.class,
                assertThrows(CompletionException.class, pending::join).getCause()).closeCode());
        time.advance(60_000);
        sync();
        assertEquals(1, server.opens());
        assertEquals(ClientState.DISCONNECTED, client.state());

        CompletableFuture<Void> again = client.connect();
        assertEquals("state DISCONNECTED->CONNECTING", listener.next());
        FakeServer.Conn second = server.accept();
        second.welcome("C1", true);
        again.get(5, TimeUnit.SECONDS);
        expectConnected("C1");
        assertEquals(TRADES, ((Subscribe) second.read()).channel()); // the subscription was kept
    }

    @Test
    void sessionTakenOverDoesNotReconnect() throws Exception {
        FakeServer.Conn conn = connect("C1");
        conn.closeFromServer(4003, "replaced");
        assertEquals("state CONNECTED->DISCONNECTED", listener.next());
        assertEquals("disconnected 4003", listener.next());
        assertTrue(listener.next().startsWith("stopped 4003 stopped reconnecting: the session was taken over"));
        assertEquals(List.of(), time.pendingDelays());
        time.advance(120_000);
        sync();
        assertEquals(1, server.opens());
    }

    @Test
    void givesUpAfterMaxReconnectAttempts() throws Exception {
        client = builder().maxReconnectAttempts(2).build();
        FakeServer.Conn conn = connect("C1");
        server.refuseConnections();
        conn.dropAbruptly();
        expectReconnecting(1006, 1, 250);
        time.advance(250);
        assertEquals("disconnected 1006", listener.next());
        assertEquals("reconnecting 2 in 500ms", listener.next());
        time.advance(500);
        assertEquals("state CONNECTING->DISCONNECTED", listener.next());
        assertEquals("disconnected 1006", listener.next());
        assertTrue(listener.next().startsWith("stopped 1006 stopped reconnecting: gave up after 2 reconnect attempts"));
        assertEquals(3, server.opens());
        assertEquals(2, client.stats().connectionFailures());
    }

    @Test
    void unauthorizedWithATokenSupplierReconnectsWithAFreshTokenAndStopsWhenThatIsRefusedToo() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        client = builder().tokenSupplier(() -> "token-" + calls.incrementAndGet()).build();
        CompletableFuture<Void> connected = connectFuture();
        FakeServer.Conn first = server.accept();
        assertEquals("token-1", first.welcome("C1", false).token());
        connected.get(5, TimeUnit.SECONDS);
        expectConnected("C1");
        time.advance(20_000); // a stable connection; then the token is revoked
        first.closeFromServer(4401, "token expired");
        expectReconnecting(4401, 1, 250);

        time.advance(250);
        FakeServer.Conn second = server.accept();
        Hello hello = (Hello) second.read();
        assertEquals("token-2", hello.token());
        second.closeFromServer(4401, "still unauthorized");
        assertEquals("state CONNECTING->DISCONNECTED", listener.next());
        assertEquals("disconnected 4401", listener.next());
        assertTrue(listener.next().startsWith("stopped 4401 stopped reconnecting: unauthorized (4401) again"));
    }

    @Test
    void unauthorizedWithAFixedTokenIsTerminal() throws Exception {
        client = builder().token("static").build();
        CompletableFuture<Void> connected = connectFuture();
        FakeServer.Conn conn = server.accept();
        assertEquals("static", conn.welcome("C1", false).token());
        connected.get(5, TimeUnit.SECONDS);
        expectConnected("C1");
        conn.closeFromServer(4401, "bad token");
        assertEquals("state CONNECTED->DISCONNECTED", listener.next());
        assertEquals("disconnected 4401", listener.next());
        assertTrue(listener.next().contains("no token supplier to get a new token"));
    }

    // ------------------------------------------------------------------ what the server asks for

    @Test
    void http429OnTheHandshakeWaitsRetryAfterPlusJitter() throws Exception {
        FakeServer.Conn first = connect("C1");
        server.rejectNextHandshake(429, 3_000);
        first.dropAbruptly();
        expectReconnecting(1006, 1, 250);
        time.advance(250);
        assertEquals("disconnected 1006", listener.next());
        assertEquals("reconnecting 2 in 3500ms", listener.next()); // Retry-After 3 s + jitter of attempt 2
        assertTrue(client.stats().lastError().getMessage().contains("HTTP 429"), client.stats().lastError().getMessage());
        time.advance(3_499);
        sync();
        assertEquals(2, server.opens());
        time.advance(1);
        server.accept().welcome("C1", true);
        expectConnected("C1");
    }

    @Test
    void retryAfterMsOfAnErrorIsHonouredByTheNextReconnect() throws Exception {
        FakeServer.Conn conn = connect("C1");
        conn.push(new ErrorFrame(null, ErrorCode.RATE_LIMITED, "slow down", true, 8_000L));
        assertEquals("error rate_limited rate_limited: slow down", listener.next());
        conn.closeFromServer(4429, "flooding");
        expectReconnecting(4429, 1, 30_000 + 250); // at least maxDelay, which is above the 8 s asked
        time.advance(30_249);
        sync();
        assertEquals(1, server.opens());
        time.advance(1);
        server.accept().welcome("C1", true);
        expectConnected("C1");
    }

    @Test
    void overloadedWaitsAtLeastTheInitialDelay() throws Exception {
        random.set(0.0);
        FakeServer.Conn conn = connect("C1");
        conn.closeFromServer(4002, "overloaded");
        expectReconnecting(4002, 1, 500);
    }

    @Test
    void goawayReconnectsAfterTheServersDelayWhenTheServerCloses() throws Exception {
        FakeServer.Conn first = connect("C1");
        first.push(new Goaway("draining", 2_000)); // jittered to [2000, 2500]: 2250
        time.advance(1_000);
        sync();
        assertEquals(ClientState.CONNECTED, client.state());
        first.closeFromServer(1001, "shutting down");
        expectReconnecting(1001, 1, 1_250);
        time.advance(1_250);
        server.accept().welcome("C1", true);
        expectConnected("C1");
    }

    @Test
    void goawayWithoutACloseMakesTheClientMoveByItself() throws Exception {
        FakeServer.Conn first = connect("C1");
        first.push(new Goaway("draining", 2_000));
        time.advance(2_249);
        sync();
        assertEquals(ClientState.CONNECTED, client.state());
        time.advance(1);
        assertEquals("state CONNECTED->CONNECTING", listener.next());
        assertEquals("disconnected 1001", listener.next());
        assertEquals("reconnecting 1 in 0ms", listener.next());
        time.advance(0);
        FakeServer.Conn second = server.accept();
        assertEquals(1000, first.closedWithCode);
        second.welcome("C1", true);
        expectConnected("C1");
    }

    @Test
    void aRateLimitedSubscribeIsSentAgainAfterRetryAfter() throws Exception {
        FakeServer.Conn conn = connect("C1");
        CompletableFuture<Subscribed> ready = client.subscribe(TRADES, listener.handler());
        Subscribe first = (Subscribe) conn.read();
        conn.push(new ErrorFrame(first.id(), ErrorCode.RATE_LIMITED, "slow down", true, 1_000L));
        time.advance(999);
        sync();
        conn.assertSilent();
        time.advance(1);
        Subscribe second = (Subscribe) conn.read();
        assertEquals(TRADES, second.channel());
        conn.push(new Subscribed(second.id(), TRADES, "E1", 0, false, 0));
        assertEquals(0, ready.get(5, TimeUnit.SECONDS).seq());
    }

    @Test
    void aResubscribeRefusedAfterReconnectIsReportedAndDropped() throws Exception {
        FakeServer.Conn first = connect("C1");
        subscribe(first, TRADES, "E1", 0);
        first.dropAbruptly();
        expectReconnecting(1006, 1, 250);
        time.advance(250);
        FakeServer.Conn second = server.accept();
        second.welcome("C2", false);
        expectConnected("C2");
        Subscribe again = (Subscribe) second.read();
        second.push(ErrorFrame.of(again.id(), ErrorCode.FORBIDDEN, "not any more"));
        assertEquals("subscription failed " + TRADES + " forbidden", listener.next());
        second.push(event(TRADES, "E1", 1));
        second.push(new Status(TRADES, true, "feed down"));
        assertEquals("status " + TRADES + " stale=true", listener.next());
    }

    // ------------------------------------------------------------------ heartbeat watchdog

    @Test
    void watchdogReconnectsWhenNothingArrivesForIntervalPlusTimeout() throws Exception {
        CompletableFuture<Void> connected = connectFuture();
        FakeServer.Conn first = server.accept();
        Hello hello = (Hello) first.read();
        first.push(FakeServer.welcome(hello.id(), "C1", false, 1_000, 500));
        connected.get(5, TimeUnit.SECONDS);
        expectConnected("C1");

        time.advance(1_000);
        first.push(new Ping(7L)); // any frame is liveness
        assertEquals(new Pong(7L), first.read());
        time.advance(1_499);
        sync();
        assertEquals(ClientState.CONNECTED, client.state());
        assertFalse(first.aborted);

        time.advance(1); // half-open TCP: nothing at all for 1500 ms
        assertEquals("state CONNECTED->CONNECTING", listener.next());
        assertEquals("disconnected 4000", listener.next());
        assertEquals("reconnecting 1 in 250ms", listener.next());
        assertTrue(first.aborted);
        assertTrue(client.stats().lastError().getMessage().contains("heartbeat timeout"));
        time.advance(250);
        server.accept().welcome("C1", true);
        expectConnected("C1");
    }

    @Test
    void aWelcomeThatNeverComesCountsAsAFailedAttempt() throws Exception {
        client = builder().connectTimeout(Duration.ofSeconds(2)).build();
        CompletableFuture<Void> connected = connectFuture();
        FakeServer.Conn silent = server.accept();
        silent.read();
        time.advance(2_000);
        assertEquals("disconnected 1006", listener.next());
        assertEquals("reconnecting 1 in 250ms", listener.next());
        assertTrue(silent.aborted);
        time.advance(250);
        acceptAndWelcome(connected, "C1");
        assertEquals(1, client.stats().connectionFailures());
    }

    // ------------------------------------------------------------------ tokens

    @Test
    void tokenSupplierIsAskedOnEveryConnect() throws Exception {
        List<String> threads = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        client = builder().tokenSupplier(() -> {
            synchronized (threads) {
                threads.add(Thread.currentThread().getName());
            }
            return "token-" + calls.incrementAndGet();
        }).build();
        CompletableFuture<Void> connected = connectFuture();
        FakeServer.Conn first = server.accept();
        assertEquals("token-1", first.welcome("C1", false).token());
        connected.get(5, TimeUnit.SECONDS);
        expectConnected("C1");
        first.dropAbruptly();
        expectReconnecting(1006, 1, 250);
        time.advance(250);
        FakeServer.Conn second = server.accept();
        assertEquals("token-2", second.welcome("C1", true).token());
        expectConnected("C1");
        second.closeFromServer(1011, "internal error");
        expectReconnecting(1011, 2, 500);
        time.advance(500);
        assertEquals("token-3", server.accept().welcome("C1", true).token());
        expectConnected("C1");
        synchronized (threads) {
            assertTrue(threads.stream().allMatch(name -> name.matches("pushwire-client-\\d+-token-\\d+")), threads.toString());
        }
    }

    @Test
    void aFailingTokenSupplierIsReportedAndRetriedWithBackoff() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        client = builder().tokenSupplier(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("auth server down");
            }
            return "token-" + calls.get();
        }).build();
        CompletableFuture<Void> connected = connectFuture();
        assertTrue(listener.next().startsWith("error null token supplier failed: IllegalStateException: auth server down"));
        assertEquals("disconnected 1006", listener.next());
        assertEquals("reconnecting 1 in 250ms", listener.next());
        time.advance(250);
        FakeServer.Conn conn = server.accept();
        assertEquals("token-2", conn.welcome("C1", false).token());
        connected.get(5, TimeUnit.SECONDS);
        expectConnected("C1");
    }

    @Test
    void aJwtIsRefreshedOnTheLiveConnectionBeforeItExpires() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        client = builder().tokenSupplier(() -> jwt(calls.incrementAndGet(), time.wallMillis() / 1000 + 60)).build();
        CompletableFuture<Void> connected = connectFuture();
        FakeServer.Conn conn = server.accept();
        Hello hello = conn.welcome("C1", false);
        assertEquals(jwt(1, time.wallMillis() / 1000 + 60), hello.token());
        connected.get(5, TimeUnit.SECONDS);
        expectConnected("C1");

        time.advance(29_999); // expires in 60 s, margin 30 s
        sync();
        conn.assertSilent();
        time.advance(1);
        Refresh refresh = (Refresh) conn.read();
        assertEquals(jwt(2, time.wallMillis() / 1000 + 60), refresh.token());
        conn.push(new Ping(1L)); // keep the watchdog (25 s + 10 s) quiet
        assertEquals(new Pong(1L), conn.read());
        time.advance(30_000); // and again for the new token
        assertEquals(jwt(3, time.wallMillis() / 1000 + 60), ((Refresh) conn.read()).token());
    }

    @Test
    void tokenExpiredErrorRefreshesAtOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        client = builder().tokenSupplier(() -> "opaque-" + calls.incrementAndGet()).build();
        CompletableFuture<Void> connected = connectFuture();
        FakeServer.Conn conn = server.accept();
        conn.welcome("C1", false);
        connected.get(5, TimeUnit.SECONDS);
        expectConnected("C1");
        conn.push(ErrorFrame.of(null, ErrorCode.TOKEN_EXPIRED, "refresh within 10 s"));
        assertEquals("error token_expired token_expired: refresh within 10 s", listener.next());
        assertEquals("opaque-2", ((Refresh) conn.read()).token());
    }

    // ------------------------------------------------------------------ publish buffer

    @Test
    void publishesWhileDisconnectedAreFlushedInOrderAfterTheWelcomeAndOverflowFailsFast() throws Exception {
        client = builder().publishBufferSize(3).build();
        List<CompletableFuture<Void>> written = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            written.add(client.publish("chat.room1", data(i)));
        }
        PublishBufferFullException full = assertThrows(PublishBufferFullException.class,
                () -> client.publish("chat.room1", data(4)));
        assertEquals(3, full.capacity());
        assertTrue(full.getMessage().contains("publish buffer full"), full.getMessage());
        assertEquals(3, client.stats().publishBuffered());
        assertFalse(written.get(0).isDone());

        CompletableFuture<Void> connected = connectFuture();
        acceptAndWelcomeAnd(connected, "C1", conn -> {
            String message = conn.readMessage();
            List<Frame> frames = FakeServer.CODEC.decode(message);
            assertEquals(3, frames.size(), "one batch message: " + message);
            for (int i = 0; i < 3; i++) {
                Publish publish = (Publish) frames.get(i);
                assertEquals("chat.room1", publish.channel());
                assertEquals(i + 1, publish.data().get("n").asInt());
            }
        });
        for (CompletableFuture<Void> future : written) {
            future.get(5, TimeUnit.SECONDS);
        }
        assertEquals(0, client.stats().publishBuffered());
        client.publish("chat.room1", data(5)).get(5, TimeUnit.SECONDS);
    }

    @Test
    void publishesMadeDuringAReconnectFollowTheRestoredSubscriptions() throws Exception {
        FakeServer.Conn first = connect("C1");
        client.publish("chat.room1", data(1)).get(5, TimeUnit.SECONDS);
        assertEquals(1, ((Publish) first.read()).data().get("n").asInt());
        client.subscribe(TRADES, listener.handler());
        first.read();
        first.dropAbruptly();
        expectReconnecting(1006, 1, 250);
        CompletableFuture<Void> second = client.publish("chat.room1", data(2));
        CompletableFuture<Void> third = client.publish("chat.room1", data(3));

        time.advance(250);
        FakeServer.Conn next = server.accept();
        next.welcome("C2", false);
        expectConnected("C2");
        assertEquals(TRADES, ((Subscribe) next.read()).channel());
        List<Frame> publishes = FakeServer.CODEC.decode(next.readMessage());
        assertEquals(List.of(2, 3), publishes.stream().map(f -> ((Publish) f).data().get("n").asInt()).toList());
        second.get(5, TimeUnit.SECONDS);
        third.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aRateLimitedPublishIsReportedAndHoldsBackPublishingForRetryAfter() throws Exception {
        FakeServer.Conn conn = connect("C1");
        client.publish("chat.room1", data(1)).get(5, TimeUnit.SECONDS);
        Publish refused = (Publish) conn.read();
        conn.push(new ErrorFrame(refused.id(), ErrorCode.RATE_LIMITED, "over 50/s", true, 1_000L));
        assertEquals("error rate_limited publish to 'chat.room1' refused: rate_limited: over 50/s", listener.next());
        assertEquals(1_000, client.stats().lastError().retryAfterMs());
        CompletableFuture<Void> held = client.publish("chat.room1", data(2));
        sync();
        conn.assertSilent();
        assertFalse(held.isDone());
        time.advance(1_000);
        assertEquals(2, ((Publish) conn.read()).data().get("n").asInt());
        held.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aPublishOverMaxFrameBytesFailsInsteadOfGettingTheConnectionClosed() throws Exception {
        FakeServer.Conn conn = connect("C1");
        CompletableFuture<Void> huge = client.publish("chat.room1",
                JsonNodeFactory.instance.objectNode().put("blob", "x".repeat(70_000)));
        PushClientException failure = assertInstanceOf(PushClientException.class,
                assertThrows(CompletionException.class, huge::join).getCause());
        assertEquals(ErrorCode.TOO_LARGE, failure.errorCode());
        conn.assertSilent();
        assertEquals(0, client.stats().publishBuffered());
    }

    @Test
    void stoppingFailsBufferedPublishesAndClosingRefusesNewOnes() throws Exception {
        FakeServer.Conn conn = connect("C1");
        conn.dropAbruptly();
        expectReconnecting(1006, 1, 250);
        CompletableFuture<Void> buffered = client.publish("chat.room1", data(1));
        time.advance(250);
        server.accept().closeFromServer(4403, "forbidden");
        assertEquals("state CONNECTING->DISCONNECTED", listener.next());
        assertEquals("disconnected 4403", listener.next());
        listener.nextStartingWith("stopped 4403");
        assertEquals(4403, assertInstanceOf(PushClientException.class,
                assertThrows(CompletionException.class, buffered::join).getCause()).closeCode());
        assertEquals(0, client.stats().publishBuffered());
        client.close();
        assertEquals("state DISCONNECTED->CLOSED", listener.next());
        assertThrows(CompletionException.class, () -> client.publish("chat.room1", data(2)).join());
    }

    // ------------------------------------------------------------------ observability

    @Test
    void statsTrackUptimeMessageAgeAndTheAttemptCounterResetAfterAStableConnection() throws Exception {
        ClientStats before = client.stats();
        assertEquals(ClientState.DISCONNECTED, before.state());
        assertEquals(Duration.ZERO, before.uptime());
        assertNull(before.lastMessageAge());
        assertNull(before.lastError());

        FakeServer.Conn first = connect("C1");
        time.advance(4_000);
        ClientStats up = client.stats();
        assertEquals(Duration.ofSeconds(4), up.uptime());
        assertEquals(Duration.ofSeconds(4), up.lastMessageAge());
        first.push(new Ping(1L));
        assertEquals(Duration.ZERO, client.stats().lastMessageAge());

        first.dropAbruptly(); // after 4 s: not stable
        expectReconnecting(1006, 1, 250);
        time.advance(250);
        FakeServer.Conn second = server.accept();
        second.welcome("C1", true);
        expectConnected("C1");
        second.dropAbruptly();
        expectReconnecting(1006, 2, 500);
        assertEquals(2, client.stats().reconnectAttempt());
        time.advance(500);
        FakeServer.Conn third = server.accept();
        third.welcome("C1", true);
        expectConnected("C1");
        time.advance(10_000); // stable
        third.dropAbruptly();
        expectReconnecting(1006, 1, 250);
        assertEquals(Duration.ZERO, client.stats().uptime());

        ClientStats stats = client.stats();
        assertEquals(ClientState.CONNECTING, stats.state());
        assertEquals(3, stats.connectionAttempts());
        assertEquals(3, stats.connectionSuccesses());
        assertEquals(2, stats.reconnects());
        assertEquals(2, stats.resumes());
        assertEquals(3, stats.disconnects());
        assertEquals(1, stats.reconnectAttempt());
    }

    /** The issue: after 11 s of a stable connection the counter still showed the 4 attempts before it. */
    @Test
    void theAttemptCounterReadsZeroAsSoonAsTheConnectionIsStable() throws Exception {
        FakeServer.Conn first = connect("C1");
        server.refuseConnections();
        first.dropAbruptly();
        expectReconnecting(1006, 1, 250);
        long delay = 250;
        for (int attempt = 2; attempt <= 4; attempt++) {
            time.advance(delay);
            delay *= 2;
            assertEquals("disconnected 1006", listener.next());
            assertEquals("reconnecting " + attempt + " in " + delay + "ms", listener.next());
        }
        assertEquals(4, client.stats().reconnectAttempt());
        server.acceptConnections();
        time.advance(delay);
        FakeServer.Conn fifth = server.accept();
        fifth.welcome("C1", true);
        expectConnected("C1");

        time.advance(9_999); // stableConnectionAfter is 10 s
        sync();
        assertEquals(4, client.stats().reconnectAttempt(), "up for 9.999 s: not stable yet");
        time.advance(1);
        sync();
        assertEquals(0, client.stats().reconnectAttempt(), "up for 10 s: stable");
        time.advance(1_000);
        sync();
        assertEquals(0, client.stats().reconnectAttempt());

        fifth.dropAbruptly();
        expectReconnecting(1006, 1, 250); // the backoff starts again too
        assertEquals(1, client.stats().reconnectAttempt());
        assertEquals(List.of(250L), time.pendingDelays(), "only the reconnect is due; the stable timer ended with its connection");
    }

    /** A connection that ends before it is stable leaves the count, and the backoff, where they were. */
    @Test
    void aConnectionLostBeforeItIsStableKeepsCounting() throws Exception {
        FakeServer.Conn first = connect("C1");
        first.dropAbruptly();
        expectReconnecting(1006, 1, 250);
        time.advance(250);
        FakeServer.Conn second = server.accept();
        second.welcome("C1", true);
        expectConnected("C1");
        time.advance(9_999);
        second.dropAbruptly();
        expectReconnecting(1006, 2, 500);
        time.advance(1); // when the lost connection would have become stable
        sync();
        assertEquals(2, client.stats().reconnectAttempt());
    }

    @Test
    void withTheRealClockTheClientReconnectsAndWatchesByItself() throws Exception {
        client = PushClient.builder(URI.create("ws://fake/ws")).listener(listener).transports(server)
                .reconnectInitialDelay(Duration.ofMillis(20)).reconnectMaxDelay(Duration.ofMillis(50)).build();
        CompletableFuture<Void> connected = connectFuture();
        FakeServer.Conn first = server.accept();
        Hello hello = (Hello) first.read();
        first.push(FakeServer.welcome(hello.id(), "C1", false, 100, 100)); // silent for 200 ms: dead
        connected.get(5, TimeUnit.SECONDS);
        expectConnected("C1");
        assertEquals("state CONNECTED->CONNECTING", listener.next());
        assertEquals("disconnected 4000", listener.next());
        listener.nextStartingWith("reconnecting 1 in ");
        FakeServer.Conn second = server.accept();
        assertTrue(first.aborted);
        assertEquals("C1", second.welcome("C1", true).clientId());
        expectConnected("C1");
        second.dropAbruptly();
        assertEquals("state CONNECTED->CONNECTING", listener.next());
        assertEquals("disconnected 1006", listener.next());
        listener.nextStartingWith("reconnecting 2 in ");
        server.accept().welcome("C1", true);
        expectConnected("C1");
        client.close();
        assertEquals("state CONNECTED->CLOSED", listener.next());
    }

    // ------------------------------------------------------------------ helpers

    /** A loop barrier: everything queued on the event thread before it has run when it returns. */
    private void sync() throws Exception {
        client.unsubscribe("test.barrier").get(5, TimeUnit.SECONDS);
    }

    private CompletableFuture<Void> connectFuture() throws InterruptedException {
        CompletableFuture<Void> connected = client.connect();
        assertEquals("state DISCONNECTED->CONNECTING", listener.next());
        return connected;
    }

    private FakeServer.Conn connect(String clientId) throws Exception {
        return acceptAndWelcome(connectFuture(), clientId);
    }

    private FakeServer.Conn acceptAndWelcome(CompletableFuture<Void> connected, String clientId) throws Exception {
        return acceptAndWelcomeAnd(connected, clientId, conn -> { });
    }

    private interface ConnCheck {
        void check(FakeServer.Conn conn) throws Exception;
    }

    private FakeServer.Conn acceptAndWelcomeAnd(CompletableFuture<Void> connected, String clientId, ConnCheck check)
            throws Exception {
        FakeServer.Conn conn = server.accept();
        conn.welcome(clientId, false);
        check.check(conn);
        connected.get(5, TimeUnit.SECONDS);
        expectConnected(clientId);
        return conn;
    }

    private void subscribe(FakeServer.Conn conn, String channel, String epoch, long head) throws Exception {
        CompletableFuture<Subscribed> ready = client.subscribe(channel, listener.handler());
        Subscribe subscribe = (Subscribe) conn.read();
        assertEquals(channel, subscribe.channel());
        conn.push(new Subscribed(subscribe.id(), channel, epoch, head, false, 0));
        ready.get(5, TimeUnit.SECONDS);
    }

    private void expectConnected(String clientId) throws InterruptedException {
        assertEquals("state CONNECTING->CONNECTED", listener.next());
        assertEquals("connected " + clientId, listener.next());
    }

    private void expectReconnecting(int code, int attempt, long delayMs) throws InterruptedException {
        assertEquals("state CONNECTED->CONNECTING", listener.next());
        assertEquals("disconnected " + code, listener.next());
        assertEquals("reconnecting " + attempt + " in " + delayMs + "ms", listener.next());
    }

    private void expectEvents(String channel, long... seqs) throws InterruptedException {
        for (long seq : seqs) {
            assertEquals("event " + channel + " " + seq, listener.next());
        }
    }

    private static Event event(String channel, String epoch, long seq) {
        return new Event(channel, seq, epoch, 1_700_000_000_000L + seq, JsonNodeFactory.instance.objectNode().put("n", seq));
    }

    private static JsonNode data(int n) {
        return JsonNodeFactory.instance.objectNode().put("n", n);
    }

    private static String jwt(int n, long exp) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"n\":" + n + ",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8)) + ".sig";
    }
}
