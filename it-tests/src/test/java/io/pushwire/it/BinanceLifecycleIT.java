package io.pushwire.it;

import static io.pushwire.it.MarketTape.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.it.exchange.CloseReason;
import io.pushwire.it.exchange.FakeBinance;
import io.pushwire.it.exchange.ScriptedTrading;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Binance ends every connection after 24 h. Here the fake ends them after 5 s and the server replaces
 * them after 2 s, make-before-break: over several generations no connection is ever expired by the
 * exchange, at most two are open at once, and clients see every trade exactly once with no stale blip.
 * And with {@code required=true} the feed's outage shows in readiness.
 */
class BinanceLifecycleIT {
    private static final String TRADES = "binance.trades.BTC-USDT";
    private static final String STREAM = FakeBinance.tradeStream("BTCUSDT");

    private static Map<String, String> settings(FakeBinance binance, Map<String, String> extra) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "pushwire.feeds.simulated.enabled", "false",
                "pushwire.feeds.binance.enabled", "true",
                "pushwire.feeds.binance.url", binance.uri("/stream").toString(),
                "pushwire.feeds.binance.symbols", "BTC-USDT",
                "pushwire.feeds.binance.backoff-initial-ms", "200",
                "pushwire.feeds.binance.backoff-max-ms", "1000"));
        settings.putAll(extra);
        return settings;
    }

    @Test
    void connectionsAreReplacedBeforeTheExchangesAgeLimitWithoutLosingATrade() throws Exception {
        try (FakeBinance binance = new FakeBinance()) {
            binance.closeAfter(Duration.ofSeconds(5));
            try (ServerProcess server = ServerProcess.start("binance-rotation", settings(binance, Map.of(
                    "pushwire.feeds.binance.rotate-after-ms", "2000",
                    "pushwire.feeds.binance.handover-overlap-ms", "300")))) {
                binance.awaitSubscribed(STREAM, Duration.ofSeconds(10));
                try (ScriptedTrading trading = binance.startTrading(List.of("BTCUSDT"), 20);
                     MarketTape tape = new MarketTape(server.webSocketUri(), List.of(TRADES))) {
                    await(() -> binance.connectionsTotal() >= 5, "four handovers");
                    tape.awaitMoreTrades(TRADES, 10);

                    assertEquals(0, binance.closes(CloseReason.EXPIRED), "replaced before the limit: " + binance.describe());
                    assertTrue(binance.maxConcurrentConnections() <= 2, binance.describe());
                    tape.assertContinuousWithAnnouncedGaps(TRADES, 0);
                    assertTrue(tape.statuses(TRADES).isEmpty(), "no stale blip: " + tape.statuses(TRADES));
                }
            }
        }
    }

    @Test
    void theExchangesOwnAgeLimitCloseIsJustAReconnect() throws Exception {
        try (FakeBinance binance = new FakeBinance();
             ServerProcess server = ServerProcess.start("binance-expiry", settings(binance, Map.of()))) {
            binance.awaitSubscribed(STREAM, Duration.ofSeconds(10));
            try (ScriptedTrading trading = binance.startTrading(List.of("BTCUSDT"), 20);
                 MarketTape tape = new MarketTape(server.webSocketUri(), List.of(TRADES))) {
                tape.awaitMoreTrades(TRADES, 5);

                binance.expireConnections();
                await(() -> binance.connectionsTotal() == 2 && binance.isSubscribed(STREAM), "a new connection");
                tape.awaitMoreTrades(TRADES, 10);

                assertTrue(tape.assertContinuousWithAnnouncedGaps(TRADES) <= 1);
                assertEquals(1, binance.maxConcurrentConnections());
            }
        }
    }

    @Test
    void aRequiredFeedThatIsDownTakesReadinessDownUntilItIsBack() throws Exception {
        try (FakeBinance binance = new FakeBinance();
             ServerProcess server = ServerProcess.start("binance-required", settings(binance, Map.of(
                     "pushwire.feeds.binance.required", "true")))) {
            assertEquals(200, server.get("/health/ready").statusCode(), "ready once the required feed is live");

            binance.refuse(503, 1_000);
            binance.resetAll();
            // The feed alternates between BACKING_OFF and a short CONNECTING while refused: wait for a readiness
            // answer that is DOWN and names BACKING_OFF, rather than read the state once at a moment it may be
            // connecting (which failed once on a loaded machine).
            await(() -> readiness(server).map(ready -> ready.statusCode() == 503
                            && ready.body().contains("\"feed.binance.state\":\"BACKING_OFF\"")).orElse(false),
                    "readiness DOWN, the feed BACKING_OFF, while the required feed is down");
            assertEquals(200, server.get("/health/live").statusCode(), "alive all the same");

            binance.refuse(503, 0);
            await(() -> status(server) == 200, "readiness UP once the feed is back");
        }
    }

    private static Optional<HttpResponse<String>> readiness(ServerProcess server) {
        try {
            return Optional.of(server.get("/health/ready"));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static int status(ServerProcess server) {
        try {
            return server.get("/health/ready").statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
