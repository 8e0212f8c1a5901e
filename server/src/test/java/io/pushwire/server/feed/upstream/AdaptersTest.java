package io.pushwire.server.feed.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.server.feed.MarketEvent;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each adapter reads the exchange's documented messages into the one normalised shape. */
class AdaptersTest {
    private static final long NOW = 1_700_000_000_123L;
    private final AtomicLong ids = new AtomicLong();

    private final BinanceAdapter binance = new BinanceAdapter(List.of("BNB-BTC", "BNB-USDT"), () -> NOW);
    private final OkxAdapter okx = new OkxAdapter(List.of("BTC-USDT"), () -> NOW);
    private final KrakenAdapter kraken = new KrakenAdapter(List.of("BTC-USD", "MATIC-USD"), () -> NOW);

    private static UpstreamUpdate only(Inbound inbound) {
        List<UpstreamUpdate> updates = assertInstanceOf(Inbound.Updates.class, inbound).updates();
        assertEquals(1, updates.size(), updates.toString());
        return updates.get(0);
    }

    @Test
    void binanceTradeFromItsDocumentation() {
        UpstreamUpdate update = only(binance.read("{\"stream\":\"bnbbtc@trade\",\"data\":{\"e\":\"trade\",\"E\":1672515782136,"
                + "\"s\":\"BNBBTC\",\"t\":12345,\"p\":\"0.001\",\"q\":\"100\",\"T\":1672515782136,\"m\":true,\"M\":true}}"));

        assertEquals(new MarketEvent.Trade("BNB-BTC", "0.001", "100", "sell", "12345", 1672515782136L), update.event());
        assertEquals(UpstreamUpdate.consecutive(update.event(), 12345, 12345), update);
    }

    @Test
    void binanceBookTickerHasNoTimeAndAnIncreasingUpdateId() {
        UpstreamUpdate update = only(binance.read("{\"stream\":\"bnbusdt@bookTicker\",\"data\":{\"u\":400900217,\"s\":\"BNBUSDT\","
                + "\"b\":\"25.35190000\",\"B\":\"31.21000000\",\"a\":\"25.36520000\",\"A\":\"40.66000000\"}}"));

        assertEquals(new MarketEvent.Ticker("BNB-USDT", "25.35190000", "31.21000000", "25.36520000", "40.66000000", NOW),
                update.event());
        assertEquals(UpstreamUpdate.Ids.INCREASING, update.ids());
        assertEquals(400900217, update.lastId());
    }

    @Test
    void binanceSubscribeAckErrorsInBothShapesAndServerShutdown() {
        ExchangeAdapter.Request request = binance.subscribe(List.of(new MarketStream("trades", "BNB-BTC"),
                new MarketStream("ticker", "BNB-BTC")), ids::incrementAndGet).get(0);
        assertEquals("{\"method\":\"SUBSCRIBE\",\"params\":[\"bnbbtc@trade\",\"bnbbtc@bookTicker\"],\"id\":1}", request.text());
        assertEquals(List.of("bnbbtc@trade", "bnbbtc@bookTicker"), request.keys());

        assertEquals(new Inbound.Acked(1, List.of()), binance.read("{\"result\":null,\"id\":1}"));
        Inbound.Rejected nested = assertInstanceOf(Inbound.Rejected.class,
                binance.read("{\"error\":{\"code\":2,\"msg\":\"Invalid request: invalid stream\"},\"id\":3}"));
        assertEquals(3, nested.requestId());
        assertEquals("error 2: Invalid request: invalid stream", nested.failure().detail());
        Inbound.Rejected flat = assertInstanceOf(Inbound.Rejected.class,
                binance.read("{\"code\":3,\"msg\":\"Invalid JSON: expected value at line 1 column 1\"}"));
        assertEquals(Inbound.NO_ID, flat.requestId());

        assertInstanceOf(Inbound.ClosingSoon.class,
                binance.read("{\"stream\":\"!serverShutdown\",\"data\":{\"e\":\"serverShutdown\",\"E\":1770123456789}}"));
        assertInstanceOf(Inbound.ClosingSoon.class, binance.read("{\"e\":\"serverShutdown\",\"E\":1770123456789}"));
        assertNull(binance.ping(1), "Binance: protocol pings from the exchange, none from us");
    }

    @Test
    void binanceMalformedAndForeignMessages() {
        assertInstanceOf(Inbound.Malformed.class, binance.read("<html>"));
        assertInstanceOf(Inbound.Malformed.class, binance.read("{\"stream\":\"bnbbtc@trade\",\"data\":{\"e\":\"trade\",\"s\":\"BNBBTC\"}}"));
        assertInstanceOf(Inbound.Malformed.class, binance.read("{\"stream\":\"bnbbtc@trade\",\"data\":{\"e\":\"trade\",\"s\":\"BNBBTC\","
                + "\"t\":1,\"p\":\"x\",\"q\":null,\"T\":1,\"m\":true}}"));
        assertEquals(Inbound.IGNORED, binance.read("{\"stream\":\"ethbtc@trade\",\"data\":{\"e\":\"trade\",\"s\":\"ETHBTC\","
                + "\"t\":1,\"p\":\"1\",\"q\":\"1\",\"T\":1,\"m\":true}}"));
    }

    @Test
    void okxAggregatedTradeCoversCountIds() {
        UpstreamUpdate update = only(okx.read("{\"arg\":{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"},\"data\":[{\"instId\":"
                + "\"BTC-USDT\",\"tradeId\":\"130639474\",\"px\":\"42219.9\",\"sz\":\"0.12060306\",\"side\":\"buy\",\"ts\":"
                + "\"1630048897897\",\"count\":\"3\",\"source\":\"0\",\"seqId\":1234}]}"));

        assertEquals(new MarketEvent.Trade("BTC-USDT", "42219.9", "0.12060306", "buy", "130639474", 1630048897897L),
                update.event());
        assertEquals(130639472, update.firstId());
        assertEquals(130639474, update.lastId());
    }

    @Test
    void okxTickerSubscribeAckPongAndErrors() {
        UpstreamUpdate ticker = only(okx.read("{\"arg\":{\"channel\":\"tickers\",\"instId\":\"BTC-USDT\"},\"data\":[{\"instType\":"
                + "\"SPOT\",\"instId\":\"BTC-USDT\",\"last\":\"9999.99\",\"lastSz\":\"0.1\",\"askPx\":\"9999.99\",\"askSz\":\"11\","
                + "\"bidPx\":\"8888.88\",\"bidSz\":\"5\",\"open24h\":\"9000\",\"high24h\":\"10000\",\"low24h\":\"8888.88\","
                + "\"volCcy24h\":\"2222\",\"vol24h\":\"2222\",\"sodUtc0\":\"2222\",\"sodUtc8\":\"2222\",\"ts\":\"1597026383085\"}]}"));
        assertEquals(new MarketEvent.Ticker("BTC-USDT", "8888.88", "5", "9999.99", "11", 1597026383085L), ticker.event());

        ExchangeAdapter.Request request = okx.subscribe(List.of(new MarketStream("trades", "BTC-USDT"),
                new MarketStream("ticker", "BTC-USDT")), ids::incrementAndGet).get(0);
        assertEquals("{\"id\":\"1\",\"op\":\"subscribe\",\"args\":[{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"},"
                + "{\"channel\":\"tickers\",\"instId\":\"BTC-USDT\"}]}", request.text());
        assertEquals(new Inbound.Acked(1, List.of("tickers:BTC-USDT")), okx.read("{\"id\":\"1\",\"event\":\"subscribe\","
                + "\"arg\":{\"channel\":\"tickers\",\"instId\":\"BTC-USDT\"},\"connId\":\"a4d3ae55\"}"));
        assertEquals(Inbound.ALIVE, okx.read("pong"));
        assertEquals("ping", okx.ping(9));
        Inbound.Rejected tooFast = assertInstanceOf(Inbound.Rejected.class, okx.read("{\"event\":\"error\",\"code\":\"60014\","
                + "\"msg\":\"Requests too frequent.\",\"connId\":\"a\"}"));
        assertEquals(FailureClass.RATE_LIMIT, tooFast.failure().kind());
        assertTrue(tooFast.keys().isEmpty());
        assertInstanceOf(Inbound.ClosingSoon.class, okx.read("{\"event\":\"notice\",\"code\":\"64008\",\"msg\":\"The connection"
                + " will soon be closed for a service upgrade. Please reconnect.\",\"connId\":\"a4d3ae55\"}"));
    }

    @Test
    void krakenTradesAreNumbersReadAsExactDecimalsInIdOrder() {
        Inbound inbound = kraken.read("{\"channel\":\"trade\",\"type\":\"snapshot\",\"data\":["
                + "{\"symbol\":\"MATIC/USD\",\"side\":\"sell\",\"price\":0.5117,\"qty\":40.0,\"ord_type\":\"market\","
                + "\"trade_id\":4665847,\"timestamp\":\"2023-09-25T07:49:36.925603Z\"},"
                + "{\"symbol\":\"MATIC/USD\",\"side\":\"buy\",\"price\":0.5147,\"qty\":6423.46326,\"ord_type\":\"limit\","
                + "\"trade_id\":4665846,\"timestamp\":\"2023-09-25T07:48:36.925533Z\"}]}");

        List<UpstreamUpdate> updates = assertInstanceOf(Inbound.Updates.class, inbound).updates();
        assertEquals(new MarketEvent.Trade("MATIC-USD", "0.5147", "6423.46326", "buy", "4665846", 1695628116925L),
                updates.get(0).event());
        assertEquals("40.0", ((MarketEvent.Trade) updates.get(1).event()).qty());
        assertEquals(4665847, updates.get(1).lastId());
    }

    @Test
    void krakenTickerAcksPerSymbolRefusalsAndHeartbeats() {
        UpstreamUpdate ticker = only(kraken.read("{\"channel\":\"ticker\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\","
                + "\"bid\":26569.3,\"bid_qty\":0.5,\"ask\":26569.4,\"ask_qty\":1.25,\"last\":26569.4,\"volume\":1000.1,"
                + "\"vwap\":26500.0,\"low\":26000.0,\"high\":27000.0,\"change\":100.0,\"change_pct\":0.38}]}"));
        assertEquals(new MarketEvent.Ticker("BTC-USD", "26569.3", "0.5", "26569.4", "1.25", NOW), ticker.event());

        ExchangeAdapter.Request request = kraken.subscribe(List.of(new MarketStream("trades", "BTC-USD")), ids::incrementAndGet).get(0);
        assertEquals("{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":[\"BTC/USD\"],\"snapshot\":true},"
                + "\"req_id\":1}", request.text());
        assertEquals(new Inbound.Acked(1, List.of("trade:BTC/USD")), kraken.read("{\"method\":\"subscribe\",\"result\":"
                + "{\"channel\":\"trade\",\"snapshot\":true,\"symbol\":\"BTC/USD\"},\"success\":true,\"time_in\":"
                + "\"2023-09-25T09:04:31.742599Z\",\"time_out\":\"2023-09-25T09:04:31.742648Z\",\"req_id\":1}"));
        Inbound.Rejected refused = assertInstanceOf(Inbound.Rejected.class, kraken.read("{\"error\":\"Currency pair not"
                + " supported FOO/BAR\",\"method\":\"subscribe\",\"req_id\":1,\"success\":false,\"symbol\":\"FOO/BAR\","
                + "\"time_in\":\"2023-09-25T09:04:31.742599Z\",\"time_out\":\"2023-09-25T09:04:31.742648Z\"}"));
        assertEquals(FailureClass.FATAL, refused.failure().kind());
        assertEquals(List.of("trade:FOO/BAR", "ticker:FOO/BAR"), refused.keys());
        assertEquals(Inbound.ALIVE, kraken.read("{\"channel\":\"heartbeat\"}"));
        assertEquals(Inbound.ALIVE, kraken.read("{\"channel\":\"status\",\"type\":\"update\",\"data\":[{\"api_version\":\"v2\","
                + "\"connection_id\":13834774380200032777,\"system\":\"online\",\"version\":\"2.0.0\"}]}"));
        assertEquals(Inbound.ALIVE, kraken.read("{\"method\":\"pong\",\"req_id\":101,\"time_in\":\"x\",\"time_out\":\"y\"}"));
        assertEquals("{\"method\":\"ping\",\"req_id\":7}", kraken.ping(7));
    }

    @Test
    void failuresAreClassifiedByHttpStatusAndCloseCode() {
        assertEquals(FailureClass.RATE_LIMIT, Failures.ofHttpStatus(new StubResponse(418, "120"), 0).kind());
        assertEquals(120_000, Failures.ofHttpStatus(new StubResponse(418, "120"), 0).retryAfterMs());
        assertEquals(FailureClass.AUTH, Failures.ofHttpStatus(new StubResponse(403, null), 0).kind());
        assertEquals(FailureClass.TRANSIENT_NETWORK, Failures.ofHttpStatus(new StubResponse(503, null), 0).kind());
        assertEquals(FailureClass.FATAL, Failures.ofHttpStatus(new StubResponse(404, null), 0).kind());
        assertEquals(FailureClass.RATE_LIMIT, Failures.ofClose(1008, "Too many requests").kind());
        assertEquals(FailureClass.PROTOCOL, Failures.ofClose(4004, "No data received in 30s").kind());
        assertEquals(FailureClass.TRANSIENT_NETWORK, Failures.ofClose(1006, "reset").kind());
        assertEquals(FailureClass.FATAL, Failures.classify(new javax.net.ssl.SSLHandshakeException("bad cert"), 0).kind());
    }
}
