package io.pushwire.it.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OKX v5 public WebSocket ({@code wss://ws.okx.com:8443/ws/v5/public}) for the {@code trades} and
 * {@code tickers} channels: {@code subscribe}/{@code unsubscribe} with one ack per arg, error events with
 * string codes (60012 malformed, 60018 unknown channel or instrument, 60019 unknown op), the text
 * {@code ping}/{@code pong} keepalive, the 30 s inactivity rule with close 4004, and notice 64008.
 * Instruments are spelled {@code BTC-USDT}; subscription keys are {@code channel:instId}
 * ({@code trades:BTC-USDT}).
 *
 * <p>The inactivity rule is the documented one, not "the client was silent": OKX closes a connection
 * that has not subscribed within 30 s of connecting, or to which nothing has been pushed for 30 s
 * once subscribed. A client's {@code ping} keeps it alive because the {@code pong} is a push; a client
 * that only receives data on a busy channel is never closed. How the connection is closed after notice
 * 64008 is not documented; the fake sends 1001.
 */
public final class FakeOkx extends FakeExchange<FakeOkx.Session> {
    public static final String TRADES = "trades";
    public static final String TICKERS = "tickers";
    private static final Set<String> CHANNELS = Set.of(TRADES, TICKERS);

    private volatile long idleTimeoutMs = 30_000;
    /** 0: off. When set, a connection whose client sent nothing this long is closed too. */
    private volatile long clientSilenceTimeoutMs;
    private volatile Duration noticeCloseDelay = Duration.ofSeconds(60);
    private volatile boolean answeringPings = true;
    private final Map<String, AtomicLong> seqIds = new ConcurrentHashMap<>();
    private final Map<String, DayStats> stats = new ConcurrentHashMap<>();

    public FakeOkx() {
        super("okx", "/ws/v5/public", List.of("BTC-USDT", "ETH-USDT"));
    }

    /** The subscription key of a channel and instrument, e.g. {@code trades:BTC-USDT}. */
    public static String key(String channel, String instId) {
        return channel + ":" + instId;
    }

    // ---- settings and faults ----

    /** OKX's 30 s: no subscription that long after connecting, or nothing pushed that long, closes (4004). */
    public void idleTimeoutMs(long ms) {
        idleTimeoutMs = ms;
    }

    /**
     * Also closes a connection whose client sent nothing (no {@code ping}, no request) for this long, even
     * while data flows: a stricter reading of OKX's 30 s rule than its documentation's, which a client
     * that keeps its own side alive survives either way. 0 (the default) turns it off.
     */
    public void clientSilenceTimeoutMs(long ms) {
        clientSilenceTimeoutMs = ms;
    }

    /** How long after {@link #notice64008()} the connections are closed (OKX: about 60 s). */
    public void noticeCloseDelay(Duration delay) {
        noticeCloseDelay = delay;
    }

    /** The text {@code ping} goes unanswered from now on. */
    public void stopAnsweringPings() {
        answeringPings = false;
        log.add("stopped answering pings");
    }

    public void resumeAnsweringPings() {
        answeringPings = true;
        log.add("answering pings again");
    }

    /** Announces a service upgrade to every connection and closes each after {@link #noticeCloseDelay}. */
    public void notice64008() {
        for (Session session : activeSessions()) {
            reply(session, "{\"event\":\"notice\",\"code\":\"64008\",\"msg\":\"The connection will soon be closed"
                    + " for a service upgrade. Please reconnect.\",\"connId\":" + Json.quote(session.connId) + "}");
            later(noticeCloseDelay, () -> close(session, 1001, "", CloseReason.SERVICE_UPGRADE));
        }
    }

    @Override
    public void sendMalformed() {
        for (Session session : activeSessions()) {
            String instId = instruments().iterator().next();
            reply(session, "this is not JSON {");
            reply(session, "{\"arg\":{\"channel\":\"trades\",\"instId\":" + Json.quote(instId) + "},\"data\":[{\"instId\":"
                    + Json.quote(instId) + "}]}");
        }
    }

    // ---- publishing ----

    /** A trade of one fill ({@code count} 1); returns its {@code tradeId}. Side is {@code buy} or {@code sell}. */
    public long trade(String instId, String px, String sz, String side) {
        return trade(instId, px, sz, side, 1);
    }

    /**
     * A trade aggregating {@code count} fills: it takes {@code count} consecutive ids and carries the last
     * of them (OKX: "tradeId=123 and count=3 aggregates 123, 122 and 121"). Returns that id.
     */
    public long trade(String instId, String px, String sz, String side, int count) {
        String key = key(TRADES, instId);
        synchronized (publishLock) {
            long id = tradeIds.take(instId, count);
            long seqId = seqIds.computeIfAbsent(instId, ignored -> new AtomicLong(1233)).incrementAndGet();
            dayStats(instId).onTrade(new BigDecimal(px), new BigDecimal(sz));
            String text = "{\"arg\":{\"channel\":\"trades\",\"instId\":" + Json.quote(instId) + "},\"data\":[{\"instId\":"
                    + Json.quote(instId) + ",\"tradeId\":" + Json.quote(Long.toString(id)) + ",\"px\":" + Json.quote(px)
                    + ",\"sz\":" + Json.quote(sz) + ",\"side\":" + Json.quote(side) + ",\"ts\":"
                    + Json.quote(Long.toString(System.currentTimeMillis())) + ",\"count\":" + Json.quote(Integer.toString(count))
                    + ",\"source\":\"0\",\"seqId\":" + seqId + "}]}";
            publish(key, session -> text);
            return id;
        }
    }

    /** A {@code tickers} update; the 24 h figures follow what this fake has published. */
    public void ticker(String instId, String bidPx, String bidSz, String askPx, String askSz, String last) {
        String key = key(TICKERS, instId);
        synchronized (publishLock) {
            DayStats day = dayStats(instId);
            day.onPrice(new BigDecimal(last));
            String text = "{\"arg\":{\"channel\":\"tickers\",\"instId\":" + Json.quote(instId) + "},\"data\":[{"
                    + "\"instType\":\"SPOT\",\"instId\":" + Json.quote(instId) + ",\"last\":" + Json.quote(last)
                    + ",\"lastSz\":" + Json.quote(day.lastQty().toPlainString()) + ",\"askPx\":" + Json.quote(askPx)
                    + ",\"askSz\":" + Json.quote(askSz) + ",\"bidPx\":" + Json.quote(bidPx) + ",\"bidSz\":" + Json.quote(bidSz)
                    + ",\"open24h\":" + plain(day.open()) + ",\"high24h\":" + plain(day.high())
                    + ",\"low24h\":" + plain(day.low()) + ",\"volCcy24h\":" + plain(day.quoteVolume())
                    + ",\"vol24h\":" + plain(day.volume()) + ",\"sodUtc0\":" + plain(day.open())
                    + ",\"sodUtc8\":" + plain(day.open()) + ",\"ts\":" + Json.quote(Long.toString(System.currentTimeMillis()))
                    + "}]}";
            publish(key, session -> text);
        }
    }

    private DayStats dayStats(String instId) {
        return stats.computeIfAbsent(instId, ignored -> new DayStats());
    }

    private static String plain(BigDecimal value) {
        return Json.quote(value.toPlainString());
    }

    @Override
    void publishSynthetic(String instId) {
        SyntheticMarket.Quote quote = market.quote(instId);
        trade(instId, quote.last().toPlainString(), market.quantity().toPlainString(), market.buy() ? "buy" : "sell");
        ticker(instId, quote.bid().toPlainString(), quote.bidQty().toPlainString(), quote.ask().toPlainString(),
                quote.askQty().toPlainString(), quote.last().toPlainString());
    }

    // ---- the protocol ----

    @Override
    Session newSession(FakeWebSocketServer.Connection connection) {
        return new Session(connection, HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
    }

    @Override
    void onClientText(Session session, String text) {
        if (text.equals("ping")) {
            if (answeringPings) {
                // Counted before the pong leaves, so that whoever reads the pong also reads the count.
                countClientPingAnswered();
                session.send("pong");
            }
            return;
        }
        JsonNode request = Json.parse(text);
        if (request == null || !request.isObject()) {
            reply(session, error(null, "60012", "Invalid request: " + text, session));
            return;
        }
        JsonNode id = request.get("id");
        String op = request.path("op").asText("");
        JsonNode args = request.get("args");
        if (!op.equals("subscribe") && !op.equals("unsubscribe")) {
            reply(session, error(id, "60019", "Invalid op: " + op, session));
            return;
        }
        if (args == null || !args.isArray() || args.isEmpty()) {
            reply(session, error(id, "60012", "Invalid request: " + text, session));
            return;
        }
        synchronized (publishLock) {
            for (JsonNode arg : args) {
                String channel = arg.path("channel").asText("");
                String instId = arg.path("instId").asText("");
                if (!CHANNELS.contains(channel) || !knows(instId)) {
                    reply(session, error(id, "60018", "Wrong URL or channel:" + channel + ",instId:" + instId
                            + " doesn't exist. Please use the correct URL, channel and parameters referring to API document.",
                            session));
                    continue;
                }
                if (op.equals("subscribe")) {
                    session.subscribe(key(channel, instId));
                } else {
                    session.unsubscribe(key(channel, instId));
                }
                reply(session, idField(id) + "\"event\":" + Json.quote(op) + ",\"arg\":{\"channel\":" + Json.quote(channel)
                        + ",\"instId\":" + Json.quote(instId) + "},\"connId\":" + Json.quote(session.connId) + "}");
            }
        }
    }

    /** An error event: the code is a string, there is no {@code arg}, the request's {@code id} is echoed. */
    static String error(JsonNode id, String code, String msg, Session session) {
        return idField(id) + "\"event\":\"error\",\"code\":" + Json.quote(code) + ",\"msg\":" + Json.quote(msg)
                + ",\"connId\":" + Json.quote(session.connId) + "}";
    }

    /** The opening brace and, when the request had one, its {@code id} echoed first. */
    private static String idField(JsonNode id) {
        return id == null || id.isNull() ? "{" : "{\"id\":" + Json.quote(id.asText()) + ",";
    }

    @Override
    void tick(Session session, long now) {
        long timeout = idleTimeoutMs * 1_000_000;
        boolean idle = session.everSubscribed()
                ? now - session.lastSentNanos() >= timeout
                : now - session.connection.openedNanos() >= timeout;
        long silence = clientSilenceTimeoutMs * 1_000_000;
        boolean silent = silence > 0 && now - session.connection.lastClientFrameNanos() >= silence;
        if (idle || silent) {
            close(session, 4004, "No data received in 30s", CloseReason.IDLE);
        }
    }

    /** One connection and the {@code connId} OKX gives it. */
    static final class Session extends ExchangeSession {
        private final String connId;

        Session(FakeWebSocketServer.Connection connection, String connId) {
            super(connection);
            this.connId = connId;
        }
    }
}
