package io.pushwire.it;

import static io.pushwire.it.MarketTape.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.it.exchange.CloseReason;
import io.pushwire.it.exchange.FakeBinance;
import io.pushwire.it.exchange.ScriptedTrading;
import io.pushwire.protocol.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Binance connector of the packaged server against a fake Binance that speaks its protocol: combined
 * streams, SUBSCRIBE acks, a ping every 300 ms that must be answered within 1 s with the same payload,
 * 5 messages per second at most. Faults are injected one test at a time while the fake trades 20 rounds
 * a second; a downstream SDK client's tape must show every trade once, in order, and a {@code gap} for
 * exactly the trades that were lost, with {@code status stale} around every outage.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BinanceFeedIT {
    private static final String TRADES = "binance.trades.BTC-USDT";
    private static final String TICKER = "binance.ticker.BTC-USDT";
    private static final String STREAM = FakeBinance.tradeStream("BTCUSDT");

    private FakeBinance binance;
    private ServerProcess server;
    private ScriptedTrading trading;
    private MarketTape tape;

    @BeforeAll
    void start() throws Exception {
        binance = new FakeBinance();
        binance.pingIntervalMs(300);
        binance.pongTimeoutMs(1_000);
        server = ServerProcess.start("binance-feed", Map.of(
                "pushwire.feeds.simulated.enabled", "false",
                "pushwire.feeds.binance.enabled", "true",
                "pushwire.feeds.binance.url", binance.uri("/stream").toString(),
                "pushwire.feeds.binance.symbols", "BTC-USDT,ETH-USDT",
                "pushwire.feeds.binance.idle-timeout-ms", "1500",
                "pushwire.feeds.binance.backoff-initial-ms", "200",
                "pushwire.feeds.binance.backoff-max-ms", "1000"));
        binance.awaitSubscribed(STREAM, Duration.ofSeconds(10));
        trading = binance.startTrading(List.of("BTCUSDT", "ETHUSDT"), 20);
        tape = new MarketTape(server.webSocketUri(), List.of(TRADES, TICKER));
    }

    @AfterAll
    void stop() throws Exception {
        if (tape != null) {
            tape.close();
        }
        if (trading != null) {
            trading.close();
        }
        if (server != null) {
            server.close();
        }
        if (binance != null) {
            binance.close();
        }
    }

    @BeforeEach
    void live() throws InterruptedException {
        binance.awaitSubscribed(STREAM, Duration.ofSeconds(10));
        tape.awaitMoreTrades(TRADES, 5);
    }

    @Test
    @Order(1)
    void subscribesOnceAndAnswersEveryPingWithItsPayload() throws Exception {
        Thread.sleep(3_000);

        assertTrue(binance.pongsMatched() >= 5, binance.describe());
        assertEquals(0, binance.closes(CloseReason.PONG_TIMEOUT), binance.describe());
        assertEquals(0, binance.closes(CloseReason.TOO_MANY_MESSAGES), binance.describe());
        assertEquals(1, binance.connectionsTotal(), binance.describe());
        tape.assertContinuousWithAnnouncedGaps(TRADES, 0);
        assertFalse(tape.isStale(TRADES));
        assertTrue(tape.events(TICKER).size() > 10, "book tickers flow too");
        String health = server.get("/health/ready").body();
        assertTrue(health.contains("\"feed.binance.connected\":true"), health);
        assertTrue(health.contains("\"feed.binance.state\":\"LIVE\""), health);
    }

    @Test
    @Order(2)
    void aResetWithoutCloseHandshakeShowsStaleThenAGapForTheLostTradesThenContinuousTrades() throws Exception {
        int connections = binance.connectionsTotal();

        int statuses = tape.statuses(TRADES).size();
        binance.resetAll();
        // A trade the reset connection cannot carry: the reconnect may come sooner than the next scripted
        // trade (20/s), and the test is about trades lost in the outage.
        binance.trade("BTCUSDT", "65000.00000000", "0.01000000", false);
        tape.awaitStaleAfter(TRADES, statuses);
        await(() -> binance.connectionsTotal() > connections && binance.isSubscribed(STREAM), "a new subscribed connection");
        tape.awaitMoreTrades(TRADES, 10);

        Status back = tape.lastStatus(TRADES);
        assertFalse(back.stale(), "stale:false once resubscribed: " + tape.statuses(TRADES));
        tape.assertContinuousWithAnnouncedGaps(TRADES, 1);
        assertEquals(1, binance.maxConcurrentConnections(), "never two connections: " + binance.describe());
    }

    @Test
    @Order(3)
    void anExchangeThatGoesSilentIsDroppedAfterTheIdleTimeoutAndReconnected() throws Exception {
        int connections = binance.connectionsTotal();

        binance.stopSendingData();
        await(() -> binance.openConnections() == 0, "the connector to drop the silent connection");
        binance.resumeSendingData();
        await(() -> binance.connectionsTotal() > connections && binance.isSubscribed(STREAM), "a new subscribed connection");
        tape.awaitMoreTrades(TRADES, 10);

        tape.assertContinuousWithAnnouncedGaps(TRADES, 2);
        assertFalse(tape.isStale(TRADES));
    }

    @Test
    @Order(4)
    void aRateLimitedHandshakeIsRetriedNoSoonerThanRetryAfter() throws Exception {
        binance.refuse(429, 2, 1);
        long cutAt = System.nanoTime();
        binance.resetAll();
        await(() -> binance.refusedHandshakes() == 1, "the refused handshake");
        long refusedAt = System.nanoTime();
        await(() -> binance.isSubscribed(STREAM), "a connection after the refusal");
        long waitedMs = (System.nanoTime() - refusedAt) / 1_000_000;

        assertTrue(waitedMs >= 1_900, "the next attempt waited " + waitedMs + " ms after a 429 with Retry-After: 2");
        assertTrue((refusedAt - cutAt) / 1_000_000 < 1_500, "the first retry came from the 200 ms backoff");
        tape.awaitMoreTrades(TRADES, 5);
        tape.assertContinuousWithAnnouncedGaps(TRADES, 3);
        assertTrue(server.get("/health/ready").body().contains("RATE_LIMIT"));
    }

    @Test
    @Order(5)
    void aSkippedTradeIdReachesClientsAsAnUpstreamGap() throws Exception {
        binance.skipTradeIds("BTCUSDT", 7);
        tape.awaitMoreTrades(TRADES, 5);

        tape.assertContinuousWithAnnouncedGaps(TRADES, 4);
    }

    @Test
    @Order(6)
    void malformedMessagesAreSkippedWithoutLosingTheConnection() throws Exception {
        int connections = binance.connectionsTotal();

        binance.sendMalformed();
        tape.awaitMoreTrades(TRADES, 10);

        assertEquals(connections, binance.connectionsTotal());
        String health = server.get("/health/ready").body();
        assertFalse(health.contains("\"feed.binance.malformed\":0"), health);
        tape.assertContinuousWithAnnouncedGaps(TRADES, 4);
    }

    @Test
    @Order(7)
    void aServerShutdownEventIsAnsweredMakeBeforeBreakWithoutAGapOrADuplicate() throws Exception {
        binance.serverShutdownCloseDelay(Duration.ofSeconds(4));
        int connections = binance.connectionsTotal();
        int statuses = tape.statuses(TRADES).size();

        binance.serverShutdown();
        await(() -> binance.connectionsTotal() == connections + 1, "a second connection before the first closes");
        await(() -> binance.openConnections() == 1 && binance.isSubscribed(STREAM), "the handover");
        tape.awaitMoreTrades(TRADES, 10);

        assertEquals(2, binance.maxConcurrentConnections(), "two connections during the handover only: " + binance.describe());
        assertEquals(statuses, tape.statuses(TRADES).size(), "no stale blip: " + tape.statuses(TRADES));
        tape.assertContinuousWithAnnouncedGaps(TRADES, 4);
        assertEquals(0, binance.closes(CloseReason.SERVER_SHUTDOWN), "the connector left before being closed: "
                + binance.describe());
    }
}
