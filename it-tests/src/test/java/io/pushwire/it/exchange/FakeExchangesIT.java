package io.pushwire.it.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fakes checked against the client the server's connectors use, {@link java.net.http.WebSocket}
 * (and a byte-level client for what the JDK will not do). No Pushwire server is involved. Timings are
 * scaled down (pings every 300 ms, timeouts of a second) so the class runs in a few seconds.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FakeExchangesIT {
    private static final Duration WAIT = Duration.ofSeconds(5);

    // ---- Binance ----

    @Test
    void binanceSubscribeAckListAndCombinedPayloads() throws Exception {
        try (FakeBinance binance = new FakeBinance(); JdkWsClient client = JdkWsClient.connect(binance.uri())) {
            client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@trade\",\"btcusdt@bookTicker\"],\"id\":1}");
            assertEquals("{\"result\":null,\"id\":1}", client.next());
            binance.awaitSubscribed("btcusdt@trade", WAIT);

            binance.nextTradeId("BTCUSDT", 12345);
            assertEquals(12345, binance.trade("BTCUSDT", "0.001", "100", true));
            JsonNode trade = client.nextJson();
            assertEquals("btcusdt@trade", trade.path("stream").asText());
            JsonNode data = trade.path("data");
            assertEquals("trade", data.path("e").asText());
            assertEquals("BTCUSDT", data.path("s").asText());
            assertEquals(12345, data.path("t").asLong());
            assertTrue(data.path("p").isTextual() && data.path("q").isTextual(), "prices are strings: " + trade);
            assertTrue(data.path("m").asBoolean() && data.path("M").asBoolean());

            long firstUpdate = binance.bookTicker("BTCUSDT", "25.35190000", "31.21000000", "25.36520000", "40.66000000");
            JsonNode book = client.nextJson();
            assertEquals("btcusdt@bookTicker", book.path("stream").asText());
            assertEquals(firstUpdate, book.path("data").path("u").asLong());
            assertEquals("25.36520000", book.path("data").path("a").asText());
            assertTrue(binance.bookTicker("BTCUSDT", "1", "1", "2", "2") > firstUpdate);
            client.next();

            client.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":3}");
            assertEquals("{\"result\":[\"btcusdt@trade\",\"btcusdt@bookTicker\"],\"id\":3}", client.next());
            client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"BTCUSDT@trade\"],\"id\":4}");
            assertEquals("{\"error\":{\"code\":2,\"msg\":\"Invalid request: invalid stream\"},\"id\":4}", client.next());
            Thread.sleep(1_000); // stay under 5 messages a second
            client.send("not json");
            assertEquals(3, client.nextJson().path("error").path("code").asInt());
            client.send("{\"method\":\"UNSUBSCRIBE\",\"params\":[\"btcusdt@bookTicker\"],\"id\":5}");
            assertEquals("{\"result\":null,\"id\":5}", client.next());
            assertEquals(List.of("btcusdt@trade"), binance.subscriptions().values().iterator().next());
        }
    }

    @Test
    void binanceStreamsInTheHandshakeQueryAndOverlappingConnectionsGetTheSameTrade() throws Exception {
        try (FakeBinance binance = new FakeBinance();
             JdkWsClient old = JdkWsClient.connect(binance.uri("/stream?streams=ethusdt@trade/ethusdt@bookTicker"));
             JdkWsClient replacement = JdkWsClient.connect(binance.uri("/stream?streams=ethusdt@trade"))) {
            binance.awaitSubscribers("ethusdt@trade", 2, WAIT);
            assertEquals(List.of("/stream?streams=ethusdt@trade/ethusdt@bookTicker", "/stream?streams=ethusdt@trade"),
                    binance.handshakeTargets());
            long id = binance.trade("ETHUSDT", "3000.10", "0.5", false);
            assertEquals(id, old.nextJson().path("data").path("t").asLong());
            assertEquals(id, replacement.nextJson().path("data").path("t").asLong());
            assertEquals(2, binance.maxConcurrentConnections());

            binance.skipTradeIds("ETHUSDT", 3);
            assertEquals(id + 4, binance.trade("ETHUSDT", "3000.20", "0.5", false));
            assertEquals(id + 4, old.nextJson().path("data").path("t").asLong());
        }
    }

    @Test
    void binancePingsAreAnsweredByTheJdkClientWithTheirPayload() throws Exception {
        try (FakeBinance binance = new FakeBinance()) {
            binance.pingIntervalMs(300);
            binance.pongTimeoutMs(1_000);
            try (JdkWsClient client = JdkWsClient.connect(binance.uri())) {
                String payload = client.pings.poll(5, TimeUnit.SECONDS);
                assertNotNull(payload, "no ping");
                assertTrue(payload.matches("[0-9]+"), "the payload is the fake's millis: " + payload);
                binance.await(() -> binance.pongsMatched() >= 4, WAIT, "4 matching pongs");
                assertEquals(binance.pongsReceived(), binance.pongsMatched());
                assertTrue(binance.openConnections() == 1 && !client.closeCode.isDone() && !client.error.isDone(),
                        binance.describe());
            }
        }
    }

    @Test
    void binanceDropsAClientWhosePongsCarryTheWrongPayload() throws Exception {
        try (FakeBinance binance = new FakeBinance()) {
            binance.pingIntervalMs(300);
            binance.pongTimeoutMs(1_000);
            try (RawWsClient client = new RawWsClient(binance.uri())) {
                long start = System.nanoTime();
                RawWsClient.Frame frame;
                while ((frame = client.read(3_000)).opcode() == Frames.PING) {
                    client.send(Frames.PONG, "wrong".getBytes(StandardCharsets.US_ASCII), true);
                }
                long afterMs = (System.nanoTime() - start) / 1_000_000;
                assertEquals(-1, frame.opcode(), "dropped without a close frame, got opcode " + frame.opcode());
                assertTrue(afterMs >= 1_200, "dropped after " + afterMs + " ms");
                binance.awaitCloses(CloseReason.PONG_TIMEOUT, 1, WAIT);
                assertTrue(binance.pongsReceived() >= 2 && binance.pongsMatched() == 0, binance.describe());
            }
        }
    }

    @Test
    void aJdkClientWithoutDemandNeverPongs() throws Exception {
        try (FakeBinance binance = new FakeBinance()) {
            binance.pingIntervalMs(300);
            binance.pongTimeoutMs(1_000);
            try (JdkWsClient client = JdkWsClient.connect(binance.uri(), false)) {
                binance.awaitCloses(CloseReason.PONG_TIMEOUT, 1, WAIT);
                assertEquals(0, binance.pongsReceived(), "the JDK reads (and so answers) pings only on demand");
            }
        }
    }

    @Test
    void binanceClosesAConnectionThatSendsMoreThanFiveMessagesASecond() throws Exception {
        try (FakeBinance binance = new FakeBinance(); JdkWsClient client = JdkWsClient.connect(binance.uri())) {
            for (int i = 1; i <= 6; i++) {
                client.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":" + i + "}");
            }
            assertEquals(1008, client.closeCode.get(5, TimeUnit.SECONDS));
            binance.awaitCloses(CloseReason.TOO_MANY_MESSAGES, 1, WAIT);
        }
    }

    @Test
    void binanceServerShutdownThenClose() throws Exception {
        try (FakeBinance binance = new FakeBinance(); JdkWsClient client = JdkWsClient.connect(binance.uri())) {
            binance.serverShutdownCloseDelay(Duration.ofMillis(200));
            binance.awaitOpenConnections(1, WAIT);
            binance.serverShutdown();
            JsonNode event = client.nextJson();
            assertEquals("!serverShutdown", event.path("stream").asText());
            assertEquals("serverShutdown", event.path("data").path("e").asText());
            assertEquals(1001, client.closeCode.get(5, TimeUnit.SECONDS));
            binance.awaitCloses(CloseReason.SERVER_SHUTDOWN, 1, WAIT);
        }
    }

    @Test
    void binanceConnectionsExpireAtTheirMaximumAge() throws Exception {
        try (FakeBinance binance = new FakeBinance()) {
            binance.closeAfter(Duration.ofMillis(300));
            try (JdkWsClient client = JdkWsClient.connect(binance.uri())) {
                assertEquals(1000, client.closeCode.get(5, TimeUnit.SECONDS));
                binance.awaitCloses(CloseReason.EXPIRED, 1, WAIT);
                ConnectionRecord record = binance.connectionRecords().get(0);
                assertTrue(Duration.between(record.openedAt(), record.closedAt()).toMillis() >= 300, record.toString());
            }
        }
    }

    // ---- faults shared by all ----

    @Test
    void refusedHandshakeReachesTheJdkClientWithStatusAndRetryAfter() throws Exception {
        try (FakeOkx okx = new FakeOkx()) {
            okx.refuse(429, 2, 1);
            ExecutionException refused = null;
            try {
                JdkWsClient.attempt(okx.uri()).get(5, TimeUnit.SECONDS).abort();
            } catch (ExecutionException e) {
                refused = e;
            }
            assertNotNull(refused, "the handshake should have been refused");
            WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
            assertEquals(429, handshake.getResponse().statusCode());
            assertEquals("2", handshake.getResponse().headers().firstValue("Retry-After").orElse(null));
            assertEquals(1, okx.refusedHandshakes());

            try (JdkWsClient client = JdkWsClient.connect(okx.uri())) { // the next one is accepted
                assertEquals(2, okx.handshakes());
                assertEquals(1, okx.connectionsTotal());
            }
        }
    }

    @Test
    void resetReachesTheJdkClientAsAnErrorNotAClose() throws Exception {
        try (FakeKraken kraken = new FakeKraken(); JdkWsClient client = JdkWsClient.connect(kraken.uri())) {
            client.next(); // status
            kraken.resetAll();
            Throwable error = client.error.get(5, TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, error, "an I/O error: " + error);
            assertFalse(client.closeCode.isDone(), "no close frame");
            kraken.awaitCloses(CloseReason.RESET, 1, WAIT);
        }
    }

    @Test
    void blackholedConnectionStaysOpenButSilent() throws Exception {
        try (FakeOkx okx = new FakeOkx(); JdkWsClient client = JdkWsClient.connect(okx.uri())) {
            client.send("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"}]}");
            client.next();
            okx.blackholeAll();
            okx.trade("BTC-USDT", "1", "1", "buy");
            client.send("ping");
            assertEquals(null, client.messages.poll(500, TimeUnit.MILLISECONDS));
            assertFalse(client.closeCode.isDone() || client.error.isDone());
            assertEquals(1, okx.openConnections());
        }
    }

    @Test
    void serverFramingFragmentsOversizeAndClientPings() throws Exception {
        try (FakeKraken kraken = new FakeKraken()) {
            try (RawWsClient client = new RawWsClient(kraken.uri())) {
                assertTrue(client.read(2_000).text().contains("\"status\""));
                client.send(Frames.TEXT, "{\"method\":\"pi".getBytes(StandardCharsets.UTF_8), false);
                client.send(Frames.PING, "abc".getBytes(StandardCharsets.US_ASCII), true); // between fragments
                client.send(Frames.CONTINUATION, "ng\",\"req_id\":7}".getBytes(StandardCharsets.UTF_8), true);
                RawWsClient.Frame pong = client.read(2_000);
                assertEquals(Frames.PONG, pong.opcode());
                assertEquals("abc", pong.text());
                assertTrue(client.read(2_000).text().startsWith("{\"method\":\"pong\",\"req_id\":7,"));

                client.send(Frames.BINARY, new byte[FakeWebSocketServer.MAX_MESSAGE_BYTES + 1], true);
                RawWsClient.Frame close = client.read(2_000);
                assertEquals(Frames.CLOSE, close.opcode());
                assertEquals(1009, close.closeCode());
            }
            kraken.awaitCloses(CloseReason.FRAME_TOO_BIG, 1, WAIT);
        }
    }

    // ---- OKX ----

    @Test
    void okxSubscribeAcksErrorsPingAndTrades() throws Exception {
        try (FakeOkx okx = new FakeOkx(); JdkWsClient client = JdkWsClient.connect(okx.uri())) {
            client.send("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"},"
                    + "{\"channel\":\"tickers\",\"instId\":\"BTC-USDT\"},{\"channel\":\"trades\",\"instId\":\"FOO-BAR\"}]}");
            JsonNode first = client.nextJson();
            assertEquals("subscribe", first.path("event").asText());
            assertEquals("trades", first.path("arg").path("channel").asText());
            assertEquals(8, first.path("connId").asText().length());
            assertEquals("tickers", client.nextJson().path("arg").path("channel").asText());
            JsonNode error = client.nextJson();
            assertEquals("60018", error.path("code").asText());
            assertTrue(error.path("msg").asText().startsWith("Wrong URL or channel:trades,instId:FOO-BAR doesn't exist"));
            okx.awaitSubscribed(FakeOkx.key(FakeOkx.TRADES, "BTC-USDT"), WAIT);

            client.send("ping");
            assertEquals("pong", client.next());
            assertEquals(1, okx.clientPingsAnswered());

            okx.nextTradeId("BTC-USDT", 130639474);
            okx.trade("BTC-USDT", "42219.9", "0.12060306", "buy");
            JsonNode trade = client.nextJson();
            assertEquals("trades", trade.path("arg").path("channel").asText());
            JsonNode item = trade.path("data").get(0);
            assertEquals("130639474", item.path("tradeId").asText());
            assertTrue(item.path("tradeId").isTextual() && item.path("px").isTextual() && item.path("ts").isTextual());
            assertEquals("42219.9", item.path("px").asText());
            assertEquals("1", item.path("count").asText());

            okx.ticker("BTC-USDT", "8888.88", "5", "9999.99", "11", "9999.99");
            JsonNode ticker = client.nextJson().path("data").get(0);
            assertEquals("SPOT", ticker.path("instType").asText());
            assertEquals("8888.88", ticker.path("bidPx").asText());
            assertEquals("0.12060306", ticker.path("lastSz").asText());

            okx.stopAnsweringPings();
            client.send("ping");
            assertEquals(null, client.messages.poll(300, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void okxClosesWith4004WhenNothingWasPushedAndPingsKeepItOpen() throws Exception {
        try (FakeOkx okx = new FakeOkx()) {
            okx.idleTimeoutMs(600);
            try (JdkWsClient quiet = JdkWsClient.connect(okx.uri()); JdkWsClient pinging = JdkWsClient.connect(okx.uri())) {
                String subscribe = "{\"op\":\"subscribe\",\"args\":[{\"channel\":\"trades\",\"instId\":\"ETH-USDT\"}]}";
                quiet.send(subscribe);
                pinging.send(subscribe);
                long start = System.nanoTime();
                while (!quiet.closeCode.isDone() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
                    pinging.send("ping");
                    Thread.sleep(200);
                }
                assertEquals(4004, quiet.closeCode.get(1, TimeUnit.SECONDS));
                assertFalse(pinging.closeCode.isDone(), okx.describe());
                assertEquals(1, okx.closes(CloseReason.IDLE));
            }
        }
    }

    @Test
    void okxNotice64008ThenClose() throws Exception {
        try (FakeOkx okx = new FakeOkx(); JdkWsClient client = JdkWsClient.connect(okx.uri())) {
            okx.noticeCloseDelay(Duration.ofMillis(200));
            okx.awaitOpenConnections(1, WAIT);
            okx.notice64008();
            JsonNode notice = client.nextJson();
            assertEquals("notice", notice.path("event").asText());
            assertEquals("64008", notice.path("code").asText());
            assertTrue(client.closeCode.get(5, TimeUnit.SECONDS) > 0);
            okx.awaitCloses(CloseReason.SERVICE_UPGRADE, 1, WAIT);
        }
    }

    // ---- Kraken ----

    @Test
    void krakenStatusAcksHeartbeatsPingAndNumericPrices() throws Exception {
        try (FakeKraken kraken = new FakeKraken()) {
            kraken.heartbeatIntervalMs(200);
            try (JdkWsClient client = JdkWsClient.connect(kraken.uri())) {
                JsonNode status = client.nextJson();
                assertEquals("status", status.path("channel").asText());
                assertEquals("online", status.path("data").get(0).path("system").asText());
                BigInteger connectionId = status.path("data").get(0).path("connection_id").bigIntegerValue();
                assertTrue(connectionId.compareTo(BigInteger.valueOf(Long.MAX_VALUE)) > 0, "above Long.MAX_VALUE");

                assertEquals(null, client.messages.poll(400, TimeUnit.MILLISECONDS), "no heartbeat before a subscription");
                client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":[\"BTC/USD\",\"FOO/BAR\"],"
                        + "\"snapshot\":false},\"req_id\":1}");
                JsonNode ack = client.nextJson();
                assertTrue(ack.path("success").asBoolean(), ack.toString());
                assertEquals("BTC/USD", ack.path("result").path("symbol").asText());
                assertEquals(1, ack.path("req_id").asInt());
                JsonNode error = client.nextJson();
                assertFalse(error.path("success").asBoolean());
                assertEquals("Currency pair not supported FOO/BAR", error.path("error").asText());

                assertEquals("{\"channel\":\"heartbeat\"}", client.next());
                client.send("{\"method\":\"ping\",\"req_id\":42}");
                JsonNode pong = JdkWsClient.parse(client.next(m -> m.contains("pong")));
                assertEquals(42, pong.path("req_id").asInt());
                assertTrue(pong.has("time_in") && pong.has("time_out"));

                kraken.nextTradeId("BTC/USD", 4665906);
                kraken.trade("BTC/USD", "26569.4", "0.00374538", "buy");
                String trade = client.next(m -> m.startsWith("{\"channel\":\"trade\""));
                assertTrue(trade.contains("\"price\":26569.4,\"qty\":0.00374538"), trade);
                assertTrue(trade.contains("\"trade_id\":4665906"), trade);

                client.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"BTC/USD\"]},\"req_id\":2}");
                client.next(m -> m.contains("\"req_id\":2"));
                JsonNode snapshot = JdkWsClient.parse(client.next(m -> m.startsWith("{\"channel\":\"ticker\"")));
                assertEquals("snapshot", snapshot.path("type").asText());
                assertTrue(snapshot.path("data").get(0).path("bid").isNumber());
                assertTrue(kraken.heartbeatsSent() >= 1);
            }
        }
    }

    @Test
    void scriptedTradingGivesEveryExchangeContinuousConsecutiveTrades() throws Exception {
        try (FakeBinance binance = new FakeBinance(); FakeOkx okx = new FakeOkx(); FakeKraken kraken = new FakeKraken();
             JdkWsClient b = JdkWsClient.connect(binance.uri("/stream?streams=btcusdt@trade"));
             JdkWsClient o = JdkWsClient.connect(okx.uri());
             JdkWsClient k = JdkWsClient.connect(kraken.uri())) {
            o.send("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"}]}");
            k.send("{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":[\"BTC/USD\"]}}");
            binance.awaitSubscribed("btcusdt@trade", WAIT);
            okx.awaitSubscribed("trades:BTC-USDT", WAIT);
            kraken.awaitSubscribed("trade:BTC/USD", WAIT);
            try (ScriptedTrading t1 = binance.startTrading(List.of("BTCUSDT"), 50);
                 ScriptedTrading t2 = okx.startTrading(List.of("BTC-USDT"), 50);
                 ScriptedTrading t3 = kraken.startTrading(List.of("BTC/USD"), 50)) {
                assertConsecutive(b, m -> m.contains("@trade"), n -> n.path("data").path("t").asLong());
                assertConsecutive(o, m -> m.contains("\"trades\"") && m.contains("\"data\""),
                        n -> n.path("data").get(0).path("tradeId").asLong());
                assertConsecutive(k, m -> m.startsWith("{\"channel\":\"trade\""),
                        n -> n.path("data").get(0).path("trade_id").asLong());
            }
        }
    }

    private static void assertConsecutive(JdkWsClient client, Predicate<String> isTrade,
                                          ToLongFunction<JsonNode> tradeId) throws Exception {
        long previous = -1;
        for (int i = 0; i < 10; i++) {
            long id = tradeId.applyAsLong(JdkWsClient.parse(client.next(isTrade)));
            if (previous >= 0 && id != previous + 1) {
                fail("trade ids " + previous + " then " + id);
            }
            previous = id;
        }
    }
}
