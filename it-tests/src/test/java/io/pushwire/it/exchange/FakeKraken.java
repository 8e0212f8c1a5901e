package io.pushwire.it.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kraken spot WebSocket v2 ({@code wss://ws.kraken.com/v2}) for the {@code trade} and {@code ticker}
 * channels: a {@code status} message on connect (with a {@code connection_id} above {@code Long.MAX_VALUE},
 * as on the live server), one ack per symbol, snapshots (ticker by default, trade when asked: the last
 * 50), prices and quantities as JSON numbers, {@code {"channel":"heartbeat"}} about once a second to
 * subscribed connections when nothing else was sent, the application-level {@code ping}/{@code pong},
 * and the closing of connections that send nothing for about a minute. Instruments are spelled
 * {@code BTC/USD}; subscription keys are {@code channel:symbol} ({@code trade:BTC/USD}).
 *
 * <p>Not documented, so chosen here: an inactive connection is closed with 1000; unknown channels and
 * methods get {@code success:false} replies with a plain {@code error} text.
 */
public final class FakeKraken extends FakeExchange<FakeKraken.Session> {
    public static final String TRADE = "trade";
    public static final String TICKER = "ticker";
    private static final Set<String> CHANNELS = Set.of(TRADE, TICKER);
    private static final int TRADE_SNAPSHOT_SIZE = 50;
    private static final DateTimeFormatter RFC3339_MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private volatile long heartbeatIntervalMs = 1000;
    private volatile long inactivityTimeoutMs = 60_000;
    private volatile boolean answeringPings = true;
    private final AtomicLong heartbeatsSent = new AtomicLong();
    private final Map<String, Deque<String>> recentTrades = new ConcurrentHashMap<>();
    private final Map<String, String> lastTickers = new ConcurrentHashMap<>();
    private final Map<String, DayStats> stats = new ConcurrentHashMap<>();

    public FakeKraken() {
        super("kraken", "/v2", List.of("BTC/USD", "ETH/USD"));
        firstTradeId(4_665_846);
    }

    /** The subscription key of a channel and symbol, e.g. {@code trade:BTC/USD}. */
    public static String key(String channel, String symbol) {
        return channel + ":" + symbol;
    }

    // ---- settings, counters, faults ----

    /** Heartbeats go to subscribed connections that were sent nothing for this long (Kraken: about 1 s). */
    public void heartbeatIntervalMs(long ms) {
        heartbeatIntervalMs = ms;
    }

    /** Connections that send nothing for this long are closed (Kraken: about a minute). */
    public void inactivityTimeoutMs(long ms) {
        inactivityTimeoutMs = ms;
    }

    public long heartbeatsSent() {
        return heartbeatsSent.get();
    }

    /** {@code {"method":"ping"}} goes unanswered from now on. */
    public void stopAnsweringPings() {
        answeringPings = false;
        log.add("stopped answering pings");
    }

    public void resumeAnsweringPings() {
        answeringPings = true;
        log.add("answering pings again");
    }

    @Override
    public void sendMalformed() {
        for (Session session : activeSessions()) {
            String symbol = instruments().iterator().next();
            reply(session, "this is not JSON {");
            reply(session, "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":" + Json.quote(symbol) + "}]}");
        }
    }

    // ---- publishing ----

    /**
     * A trade of {@code symbol} ({@code BTC/USD}); {@code price} and {@code qty} are decimal strings written
     * as JSON numbers, {@code side} is {@code buy} or {@code sell}. Returns its {@code trade_id}.
     */
    public long trade(String symbol, String price, String qty, String side) {
        String key = key(TRADE, symbol);
        synchronized (publishLock) {
            long id = tradeIds.take(symbol, 1);
            dayStats(symbol).onTrade(new BigDecimal(price), new BigDecimal(qty));
            String item = "{\"symbol\":" + Json.quote(symbol) + ",\"side\":" + Json.quote(side) + ",\"price\":"
                    + Json.number(price) + ",\"qty\":" + Json.number(qty) + ",\"ord_type\":\"market\",\"trade_id\":" + id
                    + ",\"timestamp\":" + Json.quote(RFC3339_MICROS.format(Instant.now())) + "}";
            Deque<String> recent = recentTrades.computeIfAbsent(symbol, ignored -> new ArrayDeque<>());
            recent.addLast(item);
            if (recent.size() > TRADE_SNAPSHOT_SIZE) {
                recent.removeFirst();
            }
            String text = "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[" + item + "]}";
            publish(key, session -> text);
            return id;
        }
    }

    /** A ticker update; volume, VWAP, low, high and change follow what this fake has published. */
    public void ticker(String symbol, String bid, String bidQty, String ask, String askQty, String last) {
        synchronized (publishLock) {
            String text = "{\"channel\":\"ticker\",\"type\":\"update\",\"data\":["
                    + tickerItem(symbol, bid, bidQty, ask, askQty, last) + "]}";
            publish(key(TICKER, symbol), session -> text);
        }
    }

    /** One ticker's data item, remembered as the symbol's current ticker for snapshots. */
    private String tickerItem(String symbol, String bid, String bidQty, String ask, String askQty, String last) {
        DayStats day = dayStats(symbol);
        day.onPrice(new BigDecimal(last));
        String item = "{\"symbol\":" + Json.quote(symbol) + ",\"bid\":" + Json.number(bid) + ",\"bid_qty\":"
                + Json.number(bidQty) + ",\"ask\":" + Json.number(ask) + ",\"ask_qty\":" + Json.number(askQty)
                + ",\"last\":" + Json.number(last) + ",\"volume\":" + Json.number(day.volume())
                + ",\"vwap\":" + Json.number(day.vwap()) + ",\"low\":" + Json.number(day.low())
                + ",\"high\":" + Json.number(day.high()) + ",\"change\":" + Json.number(day.change())
                + ",\"change_pct\":" + Json.number(day.changePercent())
                + ",\"timestamp\":" + Json.quote(RFC3339_MICROS.format(Instant.now())) + "}";
        lastTickers.put(symbol, item);
        return item;
    }

    private DayStats dayStats(String symbol) {
        return stats.computeIfAbsent(symbol, ignored -> new DayStats());
    }

    @Override
    void publishSynthetic(String symbol) {
        SyntheticMarket.Quote quote = market.quote(symbol);
        trade(symbol, quote.last().toPlainString(), market.quantity().toPlainString(), market.buy() ? "buy" : "sell");
        ticker(symbol, quote.bid().toPlainString(), quote.bidQty().toPlainString(), quote.ask().toPlainString(),
                quote.askQty().toPlainString(), quote.last().toPlainString());
    }

    // ---- the protocol ----

    @Override
    Session newSession(FakeWebSocketServer.Connection connection) {
        // Live connection ids exceed Long.MAX_VALUE: a client that reads them as a long breaks here too.
        long bits = ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE;
        return new Session(connection, Long.toUnsignedString(bits));
    }

    @Override
    void opened(Session session) {
        reply(session, "{\"channel\":\"status\",\"type\":\"update\",\"data\":[{\"api_version\":\"v2\",\"connection_id\":"
                + session.connectionId + ",\"system\":\"online\",\"version\":\"2.0.8\"}]}");
    }

    @Override
    void onClientText(Session session, String text) {
        String timeIn = now();
        JsonNode request = Json.parse(text);
        if (request == null || !request.isObject()) {
            reply(session, "{\"error\":\"Malformed request\",\"method\":\"error\",\"success\":false" + times(timeIn) + "}");
            return;
        }
        String method = request.path("method").asText("");
        JsonNode reqId = request.get("req_id");
        switch (method) {
            case "ping" -> {
                if (answeringPings) {
                    countClientPingAnswered(); // before the pong leaves: whoever reads the pong reads the count
                    session.send("{\"method\":\"pong\"" + reqIdField(reqId) + times(timeIn) + "}");
                }
            }
            case "subscribe", "unsubscribe" -> changeSubscriptions(session, request, method, reqId, timeIn);
            default -> reply(session, "{\"error\":\"Method not found\",\"method\":" + Json.quote(method)
                    + reqIdField(reqId) + ",\"success\":false" + times(timeIn) + "}");
        }
    }

    private void changeSubscriptions(Session session, JsonNode request, String method, JsonNode reqId, String timeIn) {
        JsonNode params = request.path("params");
        String channel = params.path("channel").asText("");
        JsonNode symbols = params.get("symbol");
        if (!CHANNELS.contains(channel)) {
            reply(session, failure("Channel " + channel + " not supported", method, reqId, null, timeIn));
            return;
        }
        if (symbols == null || !symbols.isArray() || symbols.isEmpty()) {
            reply(session, failure("Missing or empty field symbol", method, reqId, null, timeIn));
            return;
        }
        boolean subscribe = method.equals("subscribe");
        // Documented defaults: ticker snapshots on, trade snapshots off (the docs disagree on trade).
        boolean snapshot = params.path("snapshot").asBoolean(channel.equals(TICKER));
        synchronized (publishLock) {
            for (JsonNode symbolNode : symbols) {
                String symbol = symbolNode.asText();
                if (!knows(symbol)) {
                    reply(session, failure("Currency pair not supported " + symbol, method, reqId, symbol, timeIn));
                    continue;
                }
                String key = key(channel, symbol);
                if (!subscribe) {
                    if (session.unsubscribe(key)) {
                        reply(session, "{\"method\":\"unsubscribe\",\"result\":{\"channel\":" + Json.quote(channel)
                                + ",\"symbol\":" + Json.quote(symbol) + "},\"success\":true" + times(timeIn) + reqIdField(reqId) + "}");
                    } else {
                        reply(session, failure("Subscription Not Found", method, reqId, symbol, timeIn));
                    }
                    continue;
                }
                if (!session.subscribe(key)) {
                    reply(session, failure("Already subscribed", method, reqId, symbol, timeIn));
                    continue;
                }
                reply(session, "{\"method\":\"subscribe\",\"result\":{\"channel\":" + Json.quote(channel) + ",\"snapshot\":"
                        + snapshot + ",\"symbol\":" + Json.quote(symbol) + "},\"success\":true" + times(timeIn)
                        + reqIdField(reqId) + "}");
                if (snapshot && isSendingData()) {
                    session.send(snapshot(channel, symbol));
                }
            }
        }
    }

    /** The snapshot a new subscription gets: the last 50 trades, or the current ticker. */
    private String snapshot(String channel, String symbol) {
        if (channel.equals(TRADE)) {
            Deque<String> recent = recentTrades.getOrDefault(symbol, new ArrayDeque<>());
            return "{\"channel\":\"trade\",\"type\":\"snapshot\",\"data\":[" + String.join(",", recent) + "]}";
        }
        String item = lastTickers.get(symbol);
        if (item == null) {
            // No ticker published yet: make up a plausible one (the live exchange always has one).
            SyntheticMarket.Quote quote = market.quote(symbol);
            item = tickerItem(symbol, quote.bid().toPlainString(), quote.bidQty().toPlainString(),
                    quote.ask().toPlainString(), quote.askQty().toPlainString(), quote.last().toPlainString());
        }
        return "{\"channel\":\"ticker\",\"type\":\"snapshot\",\"data\":[" + item + "]}";
    }

    private static String failure(String error, String method, JsonNode reqId, String symbol, String timeIn) {
        return "{\"error\":" + Json.quote(error) + ",\"method\":" + Json.quote(method) + reqIdField(reqId)
                + ",\"success\":false" + (symbol == null ? "" : ",\"symbol\":" + Json.quote(symbol)) + times(timeIn) + "}";
    }

    private static String reqIdField(JsonNode reqId) {
        return reqId == null || reqId.isNull() ? "" : ",\"req_id\":" + reqId;
    }

    private static String times(String timeIn) {
        return ",\"time_in\":" + Json.quote(timeIn) + ",\"time_out\":" + Json.quote(now());
    }

    private static String now() {
        return RFC3339_MICROS.format(Instant.now());
    }

    @Override
    void tick(Session session, long now) {
        if (now - session.connection.lastClientFrameNanos() >= inactivityTimeoutMs * 1_000_000) {
            close(session, 1000, "", CloseReason.IDLE);
            return;
        }
        // Under the publish lock so that a heartbeat never comes between a subscription and its ack.
        synchronized (publishLock) {
            if (isSendingData() && session.subscriptionCount() > 0
                    && now - session.lastSentNanos() >= heartbeatIntervalMs * 1_000_000
                    && session.send("{\"channel\":\"heartbeat\"}")) {
                heartbeatsSent.incrementAndGet();
            }
        }
    }

    /** One connection and the {@code connection_id} its status message announced. */
    static final class Session extends ExchangeSession {
        private final String connectionId;

        Session(FakeWebSocketServer.Connection connection, String connectionId) {
            super(connection);
            this.connectionId = connectionId;
        }
    }
}
