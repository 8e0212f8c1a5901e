package io.pushwire.it;

import static io.pushwire.it.MarketTape.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.it.exchange.CloseReason;
import io.pushwire.it.exchange.FakeOkx;
import io.pushwire.it.exchange.ScriptedTrading;
import io.pushwire.protocol.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The OKX connector against a fake OKX v5: per-arg subscribe acks, 60018 for an instrument it does not
 * list, the text {@code ping}/{@code pong}, and a close after 2 s (OKX: 30 s) in which nothing was pushed.
 * The server pings after 700 ms of silence, so a quiet market must not cost the connection; this fake
 * also closes a connection whose client said nothing for 2 s while data flows, which the server's
 * keepalive ping (every 1.5 s without sending) prevents.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OkxFeedIT {
    private static final String TRADES = "okx.trades.BTC-USDT";
    private static final String REFUSED = "okx.trades.FOO-BAR";
    private static final String KEY = FakeOkx.key(FakeOkx.TRADES, "BTC-USDT");

    private FakeOkx okx;
    private ServerProcess server;
    private ScriptedTrading trading;
    private MarketTape tape;

    @BeforeAll
    void start() throws Exception {
        okx = new FakeOkx();
        okx.idleTimeoutMs(2_000);
        okx.clientSilenceTimeoutMs(2_000);
        server = ServerProcess.start("okx-feed", Map.of(
                "pushwire.feeds.simulated.enabled", "false",
                "pushwire.feeds.okx.enabled", "true",
                "pushwire.feeds.okx.url", okx.uri("/ws/v5/public").toString(),
                "pushwire.feeds.okx.symbols", "BTC-USDT,FOO-BAR",
                "pushwire.feeds.okx.channels", "trades",
                "pushwire.feeds.okx.ping-after-ms", "700",
                "pushwire.feeds.okx.keepalive-ms", "1500",
                "pushwire.feeds.okx.idle-timeout-ms", "1500",
                "pushwire.feeds.okx.backoff-initial-ms", "200",
                "pushwire.feeds.okx.backoff-max-ms", "1000"));
        tape = new MarketTape(server.webSocketUri(), List.of(TRADES, REFUSED));
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {tape, server, okx}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @BeforeEach
    void trade() throws InterruptedException {
        okx.awaitSubscribed(KEY, Duration.ofSeconds(10));
        trading = okx.startTrading(List.of("BTC-USDT"), 20);
        tape.awaitMoreTrades(TRADES, 5);
    }

    @AfterEach
    void stopTrading() {
        trading.close();
    }

    @Test
    @Order(1)
    void anInstrumentTheExchangeRefusesStaysStaleWithItsReasonWhileTheRestIsLive() throws Exception {
        await(() -> tape.lastStatus(REFUSED) != null && tape.lastStatus(REFUSED).reason() != null
                && tape.lastStatus(REFUSED).reason().contains("60018"), "the refusal on " + REFUSED);

        Status refused = tape.lastStatus(REFUSED);
        assertTrue(refused.stale());
        assertTrue(refused.reason().startsWith("okx refused the subscription: error 60018"), refused.reason());
        assertFalse(tape.isStale(TRADES));
        String health = server.get("/health/ready").body();
        assertTrue(health.contains("\"feed.okx.state\":\"LIVE\"") && health.contains("\"feed.okx.rejected\":1"), health);
    }

    @Test
    @Order(2)
    void aQuietMarketKeepsItsConnectionThroughTextPings() throws Exception {
        trading.close();
        int connections = okx.connectionsTotal();
        long answered = okx.clientPingsAnswered();

        Thread.sleep(5_000);

        assertEquals(connections, okx.connectionsTotal(), okx.describe());
        assertEquals(0, okx.closes(CloseReason.IDLE), okx.describe());
        assertTrue(okx.clientPingsAnswered() - answered >= 3, okx.describe());
    }

    @Test
    @Order(3)
    void unansweredPingsEndTheConnectionAndANewOneResubscribes() throws Exception {
        trading.close();
        int connections = okx.connectionsTotal();

        int statuses = tape.statuses(TRADES).size();
        okx.stopAnsweringPings();
        tape.awaitStaleAfter(TRADES, statuses);
        okx.resumeAnsweringPings();
        await(() -> okx.connectionsTotal() > connections && okx.isSubscribed(KEY), "a new subscribed connection");
        await(() -> !tape.isStale(TRADES), "status stale:false");
        trading = okx.startTrading(List.of("BTC-USDT"), 20);
        tape.awaitMoreTrades(TRADES, 5);

        tape.assertContinuousWithAnnouncedGaps(TRADES, 0);
        assertEquals(1, okx.maxConcurrentConnections(), okx.describe());
    }

    @Test
    @Order(4)
    void aResetLosesTradesThatTheNextConnectionAnnouncesAsAGap() throws Exception {
        int connections = okx.connectionsTotal();

        okx.resetAll();
        await(() -> okx.connectionsTotal() > connections && okx.isSubscribed(KEY), "a new subscribed connection");
        tape.awaitMoreTrades(TRADES, 10);

        assertTrue(tape.assertContinuousWithAnnouncedGaps(TRADES) <= 1);
        assertFalse(tape.isStale(TRADES));
        assertEquals(1, okx.maxConcurrentConnections(), okx.describe());
    }

    @Test
    @Order(5)
    void notice64008IsAnsweredMakeBeforeBreak() throws Exception {
        okx.noticeCloseDelay(Duration.ofSeconds(4));
        int gapsBefore = tape.gaps(TRADES).size();
        int statuses = tape.statuses(TRADES).size();
        int connections = okx.connectionsTotal();

        okx.notice64008();
        await(() -> okx.connectionsTotal() == connections + 1, "a second connection");
        await(() -> okx.openConnections() == 1 && okx.isSubscribed(KEY), "the handover");
        tape.awaitMoreTrades(TRADES, 10);

        assertEquals(2, okx.maxConcurrentConnections(), okx.describe());
        assertEquals(gapsBefore, tape.gaps(TRADES).size(), "no gap across the handover");
        assertEquals(statuses, tape.statuses(TRADES).size(), "no stale blip");
        tape.assertContinuousWithAnnouncedGaps(TRADES);
        assertEquals(0, okx.closes(CloseReason.SERVICE_UPGRADE), okx.describe());
    }

    @Test
    @Order(6)
    void aRateLimitedHandshakeWaitsForRetryAfter() throws Exception {
        okx.refuse(429, 2, 1);
        okx.resetAll();
        await(() -> okx.refusedHandshakes() == 1, "the refused handshake");
        long refusedAt = System.nanoTime();
        await(() -> okx.isSubscribed(KEY), "a connection after the refusal");

        long waitedMs = (System.nanoTime() - refusedAt) / 1_000_000;
        assertTrue(waitedMs >= 1_900, "waited " + waitedMs + " ms after Retry-After: 2");
        tape.awaitMoreTrades(TRADES, 5);
        tape.assertContinuousWithAnnouncedGaps(TRADES);
    }

    @Test
    @Order(7)
    void aBusyConnectionKeepsItsOwnSideAliveToo() throws Exception {
        int connections = okx.connectionsTotal();
        long answered = okx.clientPingsAnswered();

        tape.awaitMoreTrades(TRADES, 80); // 4 s of steady data, the client never needing to ask

        assertEquals(connections, okx.connectionsTotal(), okx.describe());
        assertEquals(0, okx.closes(CloseReason.IDLE), okx.describe());
        assertTrue(okx.clientPingsAnswered() > answered, "keepalive pings while data flowed: " + okx.describe());
        tape.assertContinuousWithAnnouncedGaps(TRADES);
    }
}
