package io.pushwire.it;

import static io.pushwire.it.MarketTape.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.it.exchange.CloseReason;
import io.pushwire.it.exchange.FakeKraken;
import io.pushwire.it.exchange.ScriptedTrading;
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
 * The Kraken connector against a fake Kraken v2: one ack per symbol, prices as JSON numbers, a heartbeat
 * every 200 ms of silence, {@code ping}/{@code pong}, a 50-trade snapshot on subscribe, and a close after
 * 2 s (Kraken: about a minute) without anything from the client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KrakenFeedIT {
    private static final String TRADES = "kraken.trades.BTC-USD";
    private static final String TICKER = "kraken.ticker.BTC-USD";
    private static final String KEY = FakeKraken.key(FakeKraken.TRADE, "BTC/USD");

    private FakeKraken kraken;
    private ServerProcess server;
    private ScriptedTrading trading;
    private MarketTape tape;

    @BeforeAll
    void start() throws Exception {
        kraken = new FakeKraken();
        kraken.heartbeatIntervalMs(200);
        kraken.inactivityTimeoutMs(2_000);
        server = ServerProcess.start("kraken-feed", Map.of(
                "pushwire.feeds.simulated.enabled", "false",
                "pushwire.feeds.kraken.enabled", "true",
                "pushwire.feeds.kraken.url", kraken.uri("/v2").toString(),
                "pushwire.feeds.kraken.symbols", "BTC-USD,ETH-USD",
                "pushwire.feeds.kraken.ping-after-ms", "500",
                "pushwire.feeds.kraken.keepalive-ms", "1000",
                "pushwire.feeds.kraken.idle-timeout-ms", "1500",
                "pushwire.feeds.kraken.data-timeout-ms", "3000",
                "pushwire.feeds.kraken.backoff-initial-ms", "200",
                "pushwire.feeds.kraken.backoff-max-ms", "1000"));
        tape = new MarketTape(server.webSocketUri(), List.of(TRADES, TICKER));
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {tape, server, kraken}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @BeforeEach
    void trade() throws InterruptedException {
        kraken.awaitSubscribed(KEY, Duration.ofSeconds(10));
        trading = kraken.startTrading(List.of("BTC/USD", "ETH/USD"), 10);
        tape.awaitMoreTrades(TRADES, 5);
    }

    @AfterEach
    void stopTrading() {
        trading.close();
    }

    @Test
    @Order(1)
    void tradesArriveNormalisedWithExactDecimalsAndTheConnectionStaysUpOnHeartbeatsAndKeepalives()
            throws Exception {
        trading.close();
        int connections = kraken.connectionsTotal();
        kraken.stopAnsweringPings(); // heartbeats alone prove life; keepalive pings prove ours

        Thread.sleep(2_500); // past the fake's 2 s inactivity limit, within the 3 s data timeout

        kraken.resumeAnsweringPings();
        assertEquals(connections, kraken.connectionsTotal(), kraken.describe());
        assertEquals(0, kraken.closes(CloseReason.IDLE), "our keepalive pings count as activity: " + kraken.describe());
        var trade = tape.events(TRADES).get(0).data();
        assertEquals("kraken", trade.path("exchange").asText());
        assertEquals("BTC-USD", trade.path("symbol").asText());
        assertTrue(trade.path("price").isTextual() && !trade.path("price").asText().contains("E"), trade.toString());
        assertFalse(tape.events(TICKER).isEmpty());
        tape.assertContinuousWithAnnouncedGaps(TRADES, 0);
    }

    @Test
    @Order(2)
    void aShortResetIsFilledFromTheTradeSnapshotWithoutAGapOrADuplicate() throws Exception {
        int connections = kraken.connectionsTotal();

        int statuses = tape.statuses(TRADES).size();
        kraken.resetAll();
        tape.awaitStaleAfter(TRADES, statuses);
        await(() -> kraken.connectionsTotal() > connections && kraken.isSubscribed(KEY), "a new subscribed connection");
        tape.awaitMoreTrades(TRADES, 10);

        assertFalse(tape.isStale(TRADES));
        tape.assertContinuousWithAnnouncedGaps(TRADES, 0);
        assertEquals(1, kraken.maxConcurrentConnections(), kraken.describe());
        assertTrue(server.get("/health/ready").body().contains("\"feed.kraken.duplicatesDropped\":"));
    }

    @Test
    @Order(3)
    void anExchangeThatStopsSendingIsReplacedAndMissedTradesAreAnnounced() throws Exception {
        int connections = kraken.connectionsTotal();

        kraken.stopSendingData();
        await(() -> kraken.connectionsTotal() > connections, "the connector to give up on the silent connection");
        kraken.resumeSendingData();
        await(() -> kraken.isSubscribed(KEY), "a new subscribed connection");
        tape.awaitMoreTrades(TRADES, 10);

        tape.assertContinuousWithAnnouncedGaps(TRADES);
        assertFalse(tape.isStale(TRADES));
    }

    @Test
    @Order(4)
    void aSkippedTradeIdIsAnUpstreamGap() throws Exception {
        int gaps = tape.gaps(TRADES).size();

        kraken.skipTradeIds("BTC/USD", 3);
        tape.awaitMoreTrades(TRADES, 5);

        assertEquals(gaps + 1, tape.gaps(TRADES).size());
        tape.assertContinuousWithAnnouncedGaps(TRADES);
    }

    @Test
    @Order(5)
    void aRateLimitedHandshakeWaitsForRetryAfter() throws Exception {
        kraken.refuse(429, 2, 1);
        kraken.resetAll();
        await(() -> kraken.refusedHandshakes() == 1, "the refused handshake");
        long refusedAt = System.nanoTime();
        await(() -> kraken.isSubscribed(KEY), "a connection after the refusal");

        long waitedMs = (System.nanoTime() - refusedAt) / 1_000_000;
        assertTrue(waitedMs >= 1_900, "waited " + waitedMs + " ms after Retry-After: 2");
        tape.awaitMoreTrades(TRADES, 5);
        tape.assertContinuousWithAnnouncedGaps(TRADES);
        assertTrue(kraken.maxConcurrentConnections() <= 1, kraken.describe());
    }
}
