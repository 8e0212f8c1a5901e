package io.pushwire.server.feed.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The connector's state machine on virtual time, with fake sockets and the real exchange adapters. */
class UpstreamFeedTest {
    private static final String BTC_TRADES = "binance.trades.BTC-USDT";
    private static final String BTC_TICKER = "binance.ticker.BTC-USDT";

    private final ManualLoop loop = new ManualLoop();
    private final FakeSockets sockets = new FakeSockets();
    private final RecordingSink sink = new RecordingSink();

    /** nextDouble() is always 0.5: each backoff delay is half its window. */
    private static final class HalfRandom extends Random {
        private static final long serialVersionUID = 1L;

        @Override
        public double nextDouble() {
            return 0.5;
        }
    }

    private UpstreamFeed feed(ExchangeAdapter exchange, UpstreamFeedConfig config) {
        UpstreamFeed feed = new UpstreamFeed(exchange, config, sink, loop, sockets, new HalfRandom());
        feed.start();
        loop.drain();
        return feed;
    }

    private static UpstreamFeedConfig config(String name, List<String> symbols) {
        return UpstreamFeedConfig.defaults(name, symbols);
    }

    private UpstreamFeed binance() {
        return feed(new BinanceAdapter(List.of("BTC-USDT", "ETH-USDT"), loop::nowMs),
                config("binance", List.of("BTC-USDT", "ETH-USDT")));
    }

    /** Accepts the last attempt and confirms its one SUBSCRIBE. */
    private FakeSockets.Attempt acceptAndAck() {
        FakeSockets.Attempt attempt = sockets.last().accept();
        loop.drain();
        String subscribe = attempt.socket.sent.get(0);
        long id = Long.parseLong(subscribe.replaceAll(".*\"id\":(\\d+).*", "$1"));
        attempt.receive("{\"result\":null,\"id\":" + id + "}");
        loop.drain();
        return attempt;
    }

    private void trade(FakeSockets.Attempt attempt, long id) {
        attempt.receive("{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1,\"s\":\"BTCUSDT\",\"t\":" + id
                + ",\"p\":\"64000.10\",\"q\":\"0.5\",\"T\":1700000000000,\"m\":false,\"M\":true}}");
        loop.drain();
    }

    @Test
    void channelsAreStaleUntilTheExchangeConfirmsTheSubscription() {
        UpstreamFeed feed = binance();

        assertEquals(List.of(BTC_TRADES, BTC_TICKER, "binance.trades.ETH-USDT", "binance.ticker.ETH-USDT"), sink.declared);
        assertTrue(sink.isStale(BTC_TRADES));
        assertEquals(FeedState.CONNECTING, feed.state());
        assertEquals(URI.create("wss://stream.binance.com:9443/stream"), sockets.last().uri);

        sockets.last().accept();
        loop.drain();
        assertEquals(FeedState.SUBSCRIBING, feed.state());
        assertEquals("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@trade\",\"btcusdt@bookTicker\",\"ethusdt@trade\","
                + "\"ethusdt@bookTicker\"],\"id\":1}", sockets.last().socket.sent.get(0));

        sockets.last().receive("{\"result\":null,\"id\":1}");
        loop.drain();
        assertEquals(FeedState.LIVE, feed.state());
        assertTrue(feed.isRunning());
        sink.declared.forEach(channel -> assertFalse(sink.isStale(channel), channel));
    }

    @Test
    void tradesArePublishedNormalisedDuplicatesDroppedAndIdJumpsAnnouncedAsGaps() {
        binance();
        FakeSockets.Attempt attempt = acceptAndAck();
        int start = sink.ops.size();

        trade(attempt, 100);
        trade(attempt, 101);
        trade(attempt, 101);
        trade(attempt, 105);

        assertEquals(List.of("100", "101", "105"), sink.tradeIds(BTC_TRADES));
        assertEquals(List.of("trade:100", "trade:101", "trade:105"), sink.idempotencyKeys,
                "each trade carries its id as idempotency key, for a handover between nodes");
        assertEquals("gap", sink.ops.get(start + 2).what(), sink.since(start).toString());
        assertEquals("{\"exchange\":\"binance\",\"symbol\":\"BTC-USDT\",\"price\":\"64000.10\",\"qty\":\"0.5\",\"side\":\"buy\","
                + "\"tradeId\":\"100\",\"ts\":1700000000000}", sink.ops.get(start).data().toString());
    }

    @Test
    void aResetMarksEveryChannelStaleAndReconnectsAfterAJitteredBackoffThenResubscribes() {
        UpstreamFeed feed = binance();
        FakeSockets.Attempt first = acceptAndAck();
        trade(first, 100);

        first.end(1006, "IOException: Connection reset");
        loop.drain();

        assertTrue(first.socket.aborted);
        assertEquals(FeedState.BACKING_OFF, feed.state());
        sink.declared.forEach(channel -> assertTrue(sink.isStale(channel), channel));
        assertEquals(1, sockets.count());
        loop.advance(499); // attempt 1: half of the 1 s window
        assertEquals(1, sockets.count());
        loop.advance(1);
        assertEquals(2, sockets.count());

        FakeSockets.Attempt second = acceptAndAck();
        assertTrue(second.socket.sent.get(0).startsWith("{\"method\":\"SUBSCRIBE\""));
        assertEquals(FeedState.LIVE, feed.state());
        assertFalse(sink.isStale(BTC_TRADES));
        trade(second, 140);
        assertEquals(List.of("100", "140"), sink.tradeIds(BTC_TRADES));
        assertEquals(1, sink.count("gap", BTC_TRADES), "the reconnect window lost trades 101..139");
        assertEquals(39L, feed.describe().get("missingEvents"));
        assertEquals(1L, feed.describe().get("reconnects"));
    }

    @Test
    void consecutiveFailuresWidenTheWindowAndLiveResetsIt() {
        binance();
        sockets.last().fail(new java.net.ConnectException("Connection refused"));
        loop.drain();
        loop.advance(500);
        assertEquals(2, sockets.count());
        sockets.last().fail(new java.net.ConnectException("Connection refused"));
        loop.drain();
        loop.advance(999);
        assertEquals(2, sockets.count(), "attempt 2 waits half of a 2 s window");
        loop.advance(1);
        assertEquals(3, sockets.count());

        FakeSockets.Attempt live = acceptAndAck();
        live.end(1001, "going away");
        loop.drain();
        loop.advance(500);
        assertEquals(4, sockets.count(), "after being live the next loss starts from the first window again");
    }

    @Test
    void aRateLimitedHandshakeWaitsForRetryAfter() {
        UpstreamFeed feed = binance();
        sockets.last().fail(new java.net.http.WebSocketHandshakeException(new StubResponse(429, "7")));
        loop.drain();

        assertEquals(FeedState.BACKING_OFF, feed.state());
        assertTrue(feed.describe().get("lastFailure").toString().startsWith("RATE_LIMIT"), feed.describe().toString());
        loop.advance(7_000);
        assertEquals(1, sockets.count(), "no attempt before Retry-After");
        loop.advance(1_000);
        assertEquals(2, sockets.count());
    }

    @Test
    void aConnectionThatHearsNothingForTheIdleTimeoutIsDroppedAndReplaced() {
        binance();
        FakeSockets.Attempt first = acceptAndAck();
        loop.advance(20_000);
        first.receivePing(); // Binance's ping every 20 s keeps it alive
        trade(first, 1);
        loop.advance(44_000);
        assertFalse(first.socket.aborted);

        loop.advance(2_000);

        assertTrue(first.socket.aborted, "45 s without a message or a ping");
        loop.advance(1_000);
        assertEquals(2, sockets.count());
    }

    @Test
    void noMarketDataForTheDataTimeoutResubscribesOnANewConnection() {
        UpstreamFeed feed = binance();
        FakeSockets.Attempt first = acceptAndAck();
        for (int i = 0; i < 4; i++) {
            loop.advance(15_000);
            first.receivePing();
            loop.drain();
        }
        loop.advance(1_000);

        assertTrue(first.socket.aborted, "pings alone for 61 s: a subscription that delivers nothing");
        assertTrue(feed.describe().get("lastFailure").toString().contains("no market data"));
    }

    @Test
    void lateCallbacksOfAReplacedConnectionChangeNothing() {
        binance();
        FakeSockets.Attempt first = acceptAndAck();
        first.end(1006, "reset");
        loop.drain();
        loop.advance(500);
        FakeSockets.Attempt second = acceptAndAck();
        int before = sink.ops.size();

        trade(first, 7);
        first.end(1006, "reset again");
        loop.drain();
        loop.advance(10_000);

        assertEquals(before, sink.ops.size(), sink.since(before).toString());
        assertEquals(2, sockets.count(), "the dead connection's close did not start a reconnect");
        assertTrue(second.socket.isOpen());
    }

    @Test
    void anAttemptThatCompletesAfterTheFeedClosedIsDropped() {
        UpstreamFeed feed = binance();
        FakeSockets.Attempt pending = sockets.last();
        feed.close();
        loop.drain();

        pending.accept();
        loop.drain();

        assertTrue(pending.socket.aborted);
        assertEquals(FeedState.CLOSED, feed.state());
        assertTrue(loop.isShutdown());
    }

    @Test
    void aServerShutdownNoticeHandsOverMakeBeforeBreakWithoutLosingOrRepeatingATrade() {
        UpstreamFeed feed = binance();
        FakeSockets.Attempt old = acceptAndAck();
        trade(old, 100);

        old.receive("{\"stream\":\"!serverShutdown\",\"data\":{\"e\":\"serverShutdown\",\"E\":1770123456789}}");
        loop.drain();
        assertEquals(2, sockets.count(), "a standby connects while the old one still delivers");
        FakeSockets.Attempt standby = acceptAndAck();
        trade(old, 101);
        trade(standby, 101);
        trade(standby, 102);
        trade(old, 102);
        trade(old, 103);
        assertEquals(2, sockets.openSockets());

        loop.advance(2_000);

        assertEquals(1000, old.socket.closedWith);
        assertEquals(1, sockets.openSockets());
        trade(standby, 104);
        assertEquals(List.of("100", "101", "102", "103", "104"), sink.tradeIds(BTC_TRADES));
        assertEquals(0, sink.count("gap", BTC_TRADES));
        assertEquals(1, sink.count("stale", BTC_TRADES), "only the initial connecting state: no stale blip");
        assertEquals(1L, feed.describe().get("handovers"));
        assertEquals(FeedState.LIVE, feed.state());
    }

    @Test
    void connectionsAreRotatedBeforeTheExchangesAgeLimit() {
        binance();
        FakeSockets.Attempt first = acceptAndAck();
        for (int hour = 0; hour < 23; hour++) {
            first.receivePing();
            trade(first, 100 + hour);
            loop.advance(20_000);
            first.receivePing();
            trade(first, 200 + hour);
            loop.advance(3_600_000 - 20_000);
            if (sockets.count() > 1) {
                break;
            }
            first.receivePing();
            trade(first, 300 + hour);
            loop.drain();
        }
        assertEquals(2, sockets.count(), "a standby after 23 h");
    }

    @Test
    void whenTheOldConnectionDiesDuringAHandoverTheStandbyTakesOverAtOnce() {
        UpstreamFeed feed = binance();
        FakeSockets.Attempt old = acceptAndAck();
        trade(old, 100);
        old.receive("{\"stream\":\"!serverShutdown\",\"data\":{\"e\":\"serverShutdown\",\"E\":1}}");
        loop.drain();
        FakeSockets.Attempt standby = acceptAndAck();
        trade(standby, 101);

        old.end(1000, "");
        loop.drain();

        assertEquals(FeedState.LIVE, feed.state());
        assertEquals(List.of("100", "101"), sink.tradeIds(BTC_TRADES));
        assertFalse(sink.isStale(BTC_TRADES));
        assertEquals(2, sockets.count(), "no reconnect: the standby is the connection");
    }

    @Test
    void aMalformedMessageIsCountedAndSkippedWithoutDroppingTheConnection() {
        UpstreamFeed feed = binance();
        FakeSockets.Attempt attempt = acceptAndAck();

        attempt.receive("not json {");
        attempt.receive("{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"s\":\"BTCUSDT\"}}");
        loop.drain();
        trade(attempt, 5);

        assertEquals(2L, feed.describe().get("malformed"));
        assertTrue(attempt.socket.isOpen());
        assertEquals(List.of("5"), sink.tradeIds(BTC_TRADES));
    }

    @Test
    void okxPingsWithTextAfterSilenceAndGivesUpWithoutAPong() {
        UpstreamFeed feed = feed(new OkxAdapter(List.of("BTC-USDT"), loop::nowMs), config("okx", List.of("BTC-USDT")));
        FakeSockets.Attempt attempt = sockets.last().accept();
        loop.drain();
        attempt.receive("{\"id\":\"1\",\"event\":\"subscribe\",\"arg\":{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"},\"connId\":\"a\"}");
        attempt.receive("{\"id\":\"1\",\"event\":\"subscribe\",\"arg\":{\"channel\":\"tickers\",\"instId\":\"BTC-USDT\"},\"connId\":\"a\"}");
        loop.drain();
        assertEquals(FeedState.LIVE, feed.state());

        loop.advance(20_000);
        assertEquals("ping", attempt.socket.sent.get(attempt.socket.sent.size() - 1));
        attempt.receive("pong");
        loop.drain();
        loop.advance(20_000);
        assertFalse(attempt.socket.aborted, "the pong counted as life");
        loop.advance(10_000);

        assertTrue(attempt.socket.aborted, "a ping without a pong: 30 s of silence");
        assertEquals(FeedState.BACKING_OFF, feed.state());
    }

    @Test
    void okxAlsoPingsWhenItSentNothingForTheKeepaliveEvenIfDataFlows() {
        feed(new OkxAdapter(List.of("BTC-USDT"), loop::nowMs), config("okx", List.of("BTC-USDT")));
        FakeSockets.Attempt attempt = sockets.last().accept();
        loop.drain();
        for (int second = 0; second < 26; second++) {
            attempt.receive("{\"arg\":{\"channel\":\"tickers\",\"instId\":\"BTC-USDT\"},\"data\":[{\"instType\":\"SPOT\","
                    + "\"instId\":\"BTC-USDT\",\"last\":\"1\",\"lastSz\":\"1\",\"askPx\":\"2\",\"askSz\":\"1\",\"bidPx\":\"1\","
                    + "\"bidSz\":\"1\",\"ts\":\"1597026383085\"}]}");
            loop.advance(1_000);
        }
        assertTrue(attempt.socket.sent.contains("ping"), attempt.socket.sent.toString());
    }

    @Test
    void aRefusedStreamStaysStaleWithTheExchangesReasonWhileTheOthersGoLive() {
        UpstreamFeed feed = feed(new OkxAdapter(List.of("BTC-USDT", "FOO-BAR"), loop::nowMs),
                new UpstreamFeedConfig("okx", null, List.of("BTC-USDT", "FOO-BAR"), List.of("trades"), false,
                        10_000, -1, -1, -1, 60_000, 1_000, 30_000, -1, 2_000));
        FakeSockets.Attempt attempt = sockets.last().accept();
        loop.drain();
        attempt.receive("{\"id\":\"1\",\"event\":\"subscribe\",\"arg\":{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"},\"connId\":\"a\"}");
        attempt.receive("{\"event\":\"error\",\"code\":\"60018\",\"msg\":\"Wrong URL or channel:trades,instId:FOO-BAR doesn't"
                + " exist. Please use the correct URL, channel and parameters referring to API document.\",\"connId\":\"a\"}");
        loop.drain();

        assertEquals(FeedState.LIVE, feed.state());
        assertFalse(sink.isStale("okx.trades.BTC-USDT"));
        assertTrue(sink.isStale("okx.trades.FOO-BAR"));
        RecordingSink.Op refused = sink.ops.get(sink.ops.size() - 1);
        assertEquals("okx refused the subscription: error 60018: Wrong URL or channel:trades,instId:FOO-BAR doesn't exist."
                + " Please use the correct URL, channel and parameters referring to API document.", refused.reason());
        assertTrue(attempt.socket.isOpen());
    }

    @Test
    void okxNotice64008HandsOver() {
        feed(new OkxAdapter(List.of("BTC-USDT"), loop::nowMs), config("okx", List.of("BTC-USDT")));
        FakeSockets.Attempt attempt = sockets.last().accept();
        loop.drain();

        attempt.receive("{\"event\":\"notice\",\"code\":\"64008\",\"msg\":\"The connection will soon be closed for a service"
                + " upgrade. Please reconnect.\",\"connId\":\"a4d3ae55\"}");
        loop.drain();

        assertEquals(2, sockets.count());
    }

    @Test
    void requestsArePacedBelowTheExchangesMessageRate() {
        List<String> symbols = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            symbols.add("C" + i + "-USDT");
        }
        feed(new BinanceAdapter(symbols, loop::nowMs), config("binance", symbols));
        FakeSockets.Attempt attempt = sockets.last().accept();
        loop.drain();
        assertEquals(1, attempt.socket.sent.size(), "600 streams: 3 requests of at most 200");

        loop.advance(249);
        assertEquals(1, attempt.socket.sent.size());
        loop.advance(1);
        assertEquals(2, attempt.socket.sent.size());
        loop.advance(250);
        assertEquals(3, attempt.socket.sent.size());
    }

    @Test
    void moreStreamsThanAConnectionMayHoldIsAConfigurationError() {
        List<String> symbols = new java.util.ArrayList<>();
        for (int i = 0; i < 513; i++) {
            symbols.add("C" + i + "-USDT");
        }
        IllegalArgumentException error = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new UpstreamFeed(new BinanceAdapter(symbols, loop::nowMs), config("binance", symbols), sink, loop,
                        sockets, new HalfRandom()));
        assertTrue(error.getMessage().contains("1026 streams"), error.getMessage());
    }

    @Test
    void krakenPingsAfterFiveSecondsOfSilenceAndHeartbeatsCountAsLife() {
        UpstreamFeed feed = feed(new KrakenAdapter(List.of("BTC-USD"), loop::nowMs), config("kraken", List.of("BTC-USD")));
        FakeSockets.Attempt attempt = sockets.last().accept();
        loop.drain();
        assertEquals(1, attempt.socket.sent.size());
        loop.advance(200);
        assertEquals(2, attempt.socket.sent.size(), "trade and ticker requests, paced");
        attempt.receive("{\"method\":\"subscribe\",\"result\":{\"channel\":\"trade\",\"snapshot\":true,\"symbol\":\"BTC/USD\"},"
                + "\"success\":true,\"time_in\":\"2023-09-25T09:04:31.742599Z\",\"time_out\":\"2023-09-25T09:04:31.742648Z\",\"req_id\":1}");
        attempt.receive("{\"method\":\"subscribe\",\"result\":{\"channel\":\"ticker\",\"snapshot\":true,\"symbol\":\"BTC/USD\"},"
                + "\"success\":true,\"req_id\":2}");
        loop.drain();
        assertEquals(FeedState.LIVE, feed.state());
        for (int i = 0; i < 8; i++) {
            loop.advance(1_000);
            attempt.receive("{\"channel\":\"heartbeat\"}");
        }
        loop.drain();
        assertEquals(2, attempt.socket.sent.size(), "heartbeats keep it alive without pings");

        loop.advance(6_300); // 5 s, checked every 1.25 s
        assertTrue(attempt.socket.sent.get(2).matches("\\{\"method\":\"ping\",\"req_id\":\\d+}"), attempt.socket.sent.toString());
        loop.advance(5_000);
        assertTrue(attempt.socket.aborted, "no pong: 10 s of silence");
    }

    @Test
    void closingTheFeedClosesItsConnectionAndStopsItsTimers() {
        UpstreamFeed feed = binance();
        FakeSockets.Attempt attempt = acceptAndAck();

        feed.close();
        loop.drain();
        loop.advance(120_000);

        assertEquals(1000, attempt.socket.closedWith);
        assertEquals(1, sockets.count());
    }

    @Test
    void aTimedOutOrRefusedConnectIsATransientFailure() {
        UpstreamFeed feed = binance();
        sockets.last().fail(new IOException("boom"));
        loop.drain();
        assertTrue(feed.describe().get("lastFailure").toString().startsWith("TRANSIENT_NETWORK"));
    }
}
