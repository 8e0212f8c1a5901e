package io.pushwire.it.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Binance spot market streams ({@code wss://stream.binance.com:9443}) as a client sees them: combined
 * streams at {@code /stream} (also {@code /stream?streams=a/b}), raw streams at {@code /ws}; live
 * {@code SUBSCRIBE}/{@code UNSUBSCRIBE}/{@code LIST_SUBSCRIPTIONS}/{@code SET_PROPERTY}/{@code GET_PROPERTY};
 * a protocol PING every 20 s that must be answered, within a minute, by a PONG carrying its payload;
 * at most 5 incoming messages a second and 1024 streams a connection; {@code serverShutdown}; a maximum
 * connection age. Instruments are spelled {@code BTCUSDT}; subscription keys are stream names
 * ({@code btcusdt@trade}).
 *
 * <p>Choices where the documentation is silent: a connection over the message rate gets close 1008
 * "Too many requests" (seen on the live server); one that misses its pong is dropped without a close frame
 * (clients report 1006); after {@code serverShutdown} the fake closes with 1001; at the maximum age with 1000.
 * Like the live server, a well-formed stream of an unknown symbol is accepted (it just never has data).
 */
public final class FakeBinance extends FakeExchange<FakeBinance.Session> {
    public static final int MAX_MESSAGES_PER_SECOND = 5;
    public static final int MAX_STREAMS_PER_CONNECTION = 1024;
    private static final Pattern STREAM_NAME = Pattern.compile("[a-z0-9]+@(trade|aggTrade|bookTicker|ticker|miniTicker"
            + "|avgPrice|ticker_(1h|4h|1d)|depth(5|10|20)?(@100ms|@1000ms)?"
            + "|kline_(1s|1m|3m|5m|15m|30m|1h|2h|4h|6h|8h|12h|1d|3d|1w|1M))");
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9]{1,36}");
    private static final String METHODS = "`SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`";

    private volatile long pingIntervalMs = 20_000;
    private volatile long pongTimeoutMs = 60_000;
    private volatile Duration shutdownCloseDelay = Duration.ofSeconds(1);
    private final AtomicLong lastPingPayload = new AtomicLong();
    private final AtomicLong pingsSent = new AtomicLong();
    private final AtomicLong pongsReceived = new AtomicLong();
    private final AtomicLong pongsMatched = new AtomicLong();
    private final Map<String, AtomicLong> bookUpdateIds = new ConcurrentHashMap<>();

    public FakeBinance() {
        super("binance", "/stream", List.of("BTCUSDT", "ETHUSDT", "BNBUSDT"));
    }

    /** {@code btcusdt@trade} for {@code BTCUSDT}. */
    public static String tradeStream(String symbol) {
        return symbol.toLowerCase(Locale.ROOT) + "@trade";
    }

    /** {@code btcusdt@bookTicker} for {@code BTCUSDT}. */
    public static String bookTickerStream(String symbol) {
        return symbol.toLowerCase(Locale.ROOT) + "@bookTicker";
    }

    // ---- settings ----

    /** How often each connection gets a protocol PING (Binance: 20 000 ms). */
    public void pingIntervalMs(long ms) {
        pingIntervalMs = ms;
    }

    /** How long a PING may stay unanswered before the connection is dropped (Binance: 60 000 ms). */
    public void pongTimeoutMs(long ms) {
        pongTimeoutMs = ms;
    }

    /** How long after {@link #serverShutdown()} the connections are closed (default 1 s). */
    public void serverShutdownCloseDelay(Duration delay) {
        shutdownCloseDelay = delay;
    }

    // ---- counters ----

    public long pingsSent() {
        return pingsSent.get();
    }

    /** Every PONG frame received, matching or not. */
    public long pongsReceived() {
        return pongsReceived.get();
    }

    /** PONG frames whose payload was that of an outstanding PING (only these keep a connection alive). */
    public long pongsMatched() {
        return pongsMatched.get();
    }

    // ---- publishing ----

    /**
     * Publishes a trade of {@code symbol} ({@code BTCUSDT}) to every connection subscribed to its
     * {@code @trade} stream, all with the same id; returns that id. Price and quantity go out as given.
     */
    public long trade(String symbol, String price, String qty, boolean buyerIsMaker) {
        String stream = tradeStream(symbol);
        synchronized (publishLock) {
            long id = tradeIds.take(symbol, 1);
            long now = System.currentTimeMillis();
            String data = "{\"e\":\"trade\",\"E\":" + now + ",\"s\":" + Json.quote(symbol) + ",\"t\":" + id
                    + ",\"p\":" + Json.quote(price) + ",\"q\":" + Json.quote(qty) + ",\"T\":" + now
                    + ",\"m\":" + buyerIsMaker + ",\"M\":true}";
            publish(stream, session -> session.frame(stream, data));
            return id;
        }
    }

    /**
     * Publishes a best bid/ask of {@code symbol}; its update id rises by a random 1..5 each time (it is the
     * order book's update id, so it jumps). Returns that id.
     */
    public long bookTicker(String symbol, String bid, String bidQty, String ask, String askQty) {
        String stream = bookTickerStream(symbol);
        synchronized (publishLock) {
            long updateId = bookUpdateIds.computeIfAbsent(symbol, ignored -> new AtomicLong(400_900_217L))
                    .addAndGet(ThreadLocalRandom.current().nextInt(1, 6));
            String data = "{\"u\":" + updateId + ",\"s\":" + Json.quote(symbol) + ",\"b\":" + Json.quote(bid)
                    + ",\"B\":" + Json.quote(bidQty) + ",\"a\":" + Json.quote(ask) + ",\"A\":" + Json.quote(askQty) + "}";
            publish(stream, session -> session.frame(stream, data));
            return updateId;
        }
    }

    @Override
    void publishSynthetic(String symbol) {
        SyntheticMarket.Quote quote = market.quote(symbol);
        trade(symbol, eight(quote.last()), eight(market.quantity()), market.buy());
        bookTicker(symbol, eight(quote.bid()), eight(quote.bidQty()), eight(quote.ask()), eight(quote.askQty()));
    }

    private static String eight(BigDecimal value) {
        return value.setScale(8, RoundingMode.HALF_EVEN).toPlainString();
    }

    // ---- faults ----

    /**
     * Sends the {@code serverShutdown} event to every connection and closes each (1001) after the
     * {@linkplain #serverShutdownCloseDelay settable delay}.
     */
    public void serverShutdown() {
        long now = System.currentTimeMillis();
        String data = "{\"e\":\"serverShutdown\",\"E\":" + now + "}";
        for (Session session : activeSessions()) {
            reply(session, session.frame("!serverShutdown", data));
            later(shutdownCloseDelay, () -> close(session, 1001, "", CloseReason.SERVER_SHUTDOWN));
        }
    }

    @Override
    public void sendMalformed() {
        for (Session session : activeSessions()) {
            String stream = session.subscriptions().stream().filter(s -> s.endsWith("@trade")).findFirst()
                    .orElse(tradeStream(instruments().iterator().next()));
            String symbol = stream.substring(0, stream.indexOf('@')).toUpperCase(Locale.ROOT);
            reply(session, "this is not JSON {");
            reply(session, session.frame(stream, "{\"e\":\"trade\",\"s\":" + Json.quote(symbol) + "}"));
        }
    }

    // ---- the protocol ----

    @Override
    int refusal(String target) {
        String path = pathOf(target);
        if (!path.equals("/stream") && !path.equals("/ws") && !path.startsWith("/ws/")) {
            return 404;
        }
        List<String> streams = initialStreams(target);
        if (streams.size() > MAX_STREAMS_PER_CONNECTION || !streams.stream().allMatch(FakeBinance::validStream)) {
            return 400;
        }
        return 0;
    }

    /** Streams named in the handshake: {@code /stream?streams=a/b} or {@code /ws/a/b}. */
    private static List<String> initialStreams(String target) {
        String path = pathOf(target);
        String list = "";
        if (path.startsWith("/ws/")) {
            list = path.substring(4);
        } else {
            for (String parameter : queryOf(target).split("&")) {
                if (parameter.startsWith("streams=")) {
                    list = parameter.substring("streams=".length());
                }
            }
        }
        return Arrays.stream(list.split("/")).filter(s -> !s.isEmpty()).distinct().toList();
    }

    private static boolean validStream(String stream) {
        return STREAM_NAME.matcher(stream).matches();
    }

    @Override
    Session newSession(FakeWebSocketServer.Connection connection) {
        return new Session(connection, pathOf(connection.path()).equals("/stream"));
    }

    @Override
    void opened(Session session) {
        synchronized (publishLock) {
            initialStreams(session.connection.path()).forEach(session::subscribe);
        }
        session.nextPingNanos = System.nanoTime() + pingIntervalMs * 1_000_000;
    }

    @Override
    void onClientText(Session session, String text) {
        if (!withinMessageRate(session)) {
            return;
        }
        JsonNode request = Json.parse(text);
        if (request == null) {
            reply(session, error(3, "Invalid JSON: expected value at line 1 column 1", "null"));
            return;
        }
        if (!request.isObject()) {
            reply(session, error(2, "Invalid request: expected an object", "null"));
            return;
        }
        JsonNode idNode = request.get("id");
        if (!validId(idNode)) {
            reply(session, error(2, "Invalid request: request ID must be an unsigned integer", "null"));
            return;
        }
        String id = Json.echo(idNode);
        JsonNode method = request.get("method");
        if (method == null || !method.isTextual()) {
            reply(session, error(2, "Invalid request: missing field `method`", id));
            return;
        }
        switch (method.asText()) {
            case "SUBSCRIBE" -> changeSubscriptions(session, request, id, true);
            case "UNSUBSCRIBE" -> changeSubscriptions(session, request, id, false);
            case "LIST_SUBSCRIPTIONS" -> reply(session, "{\"result\":" + session.subscriptions().stream()
                    .map(Json::quote).collect(Collectors.joining(",", "[", "]")) + ",\"id\":" + id + "}");
            case "SET_PROPERTY" -> setProperty(session, request, id);
            case "GET_PROPERTY" -> getProperty(session, request, id);
            default -> reply(session, error(2, "Invalid request: unknown variant `" + method.asText()
                    + "`, expected one of " + METHODS, id));
        }
    }

    /** The id may be a 64-bit integer, an alphanumeric string of up to 36 characters, or null. */
    private static boolean validId(JsonNode id) {
        return id == null || id.isNull() || id.canConvertToLong() && id.isIntegralNumber()
                || id.isTextual() && REQUEST_ID.matcher(id.asText()).matches();
    }

    private void changeSubscriptions(Session session, JsonNode request, String id, boolean subscribe) {
        JsonNode params = request.get("params");
        if (params == null || !params.isArray()) {
            reply(session, error(2, "Invalid request: missing field `params`", id));
            return;
        }
        Set<String> streams = new LinkedHashSet<>();
        for (JsonNode param : params) {
            if (!param.isTextual() || !validStream(param.asText())) {
                reply(session, error(2, "Invalid request: invalid stream", id));
                return;
            }
            streams.add(param.asText());
        }
        synchronized (publishLock) {
            if (subscribe) {
                long added = streams.stream().filter(s -> !session.isSubscribed(s)).count();
                if (session.subscriptionCount() + added > MAX_STREAMS_PER_CONNECTION) {
                    reply(session, error(2, "Invalid request: too many streams (at most "
                            + MAX_STREAMS_PER_CONNECTION + " per connection)", id));
                    return;
                }
                streams.forEach(session::subscribe);
                streams.stream().filter(s -> !knows(s.substring(0, s.indexOf('@')).toUpperCase(Locale.ROOT)))
                        .forEach(s -> log.add(session.connection + " subscribed to " + s + ", a symbol the fake does not know"));
            } else {
                streams.forEach(session::unsubscribe);
            }
            reply(session, "{\"result\":null,\"id\":" + id + "}");
        }
    }

    private void setProperty(Session session, JsonNode request, String id) {
        JsonNode params = request.path("params");
        if (params.size() != 2 || !"combined".equals(params.get(0).asText())) {
            reply(session, error(2, "Invalid request: unknown property", id));
        } else if (!params.get(1).isBoolean()) {
            reply(session, error(1, "Invalid value type: expected Boolean", id));
        } else {
            session.combined = params.get(1).asBoolean();
            reply(session, "{\"result\":null,\"id\":" + id + "}");
        }
    }

    private void getProperty(Session session, JsonNode request, String id) {
        JsonNode params = request.path("params");
        if (params.size() != 1 || !"combined".equals(params.get(0).asText())) {
            reply(session, error(2, "Invalid request: unknown property", id));
        } else {
            reply(session, "{\"result\":" + session.combined + ",\"id\":" + id + "}");
        }
    }

    /**
     * An error reply in the shape the live server sends ({@code {"error":{"code":2,"msg":"..."},"id":1}});
     * the documentation's table shows a flat {@code {"code":2,"msg":"..."}} instead.
     */
    static String error(int code, String msg, String id) {
        return "{\"error\":{\"code\":" + code + ",\"msg\":" + Json.quote(msg) + "},\"id\":" + id + "}";
    }

    @Override
    void onProtocolPing(Session session, byte[] payload) {
        if (withinMessageRate(session) && server().answersProtocolPings()) {
            countClientPingAnswered();
        }
    }

    @Override
    void onProtocolPong(Session session, byte[] payload) {
        pongsReceived.incrementAndGet();
        if (!withinMessageRate(session)) {
            return;
        }
        String text = new String(payload, StandardCharsets.US_ASCII);
        synchronized (session.outstandingPings) {
            boolean matched = session.outstandingPings.stream().anyMatch(ping -> ping.payload().equals(text));
            if (matched) {
                // This pong answers its ping and every earlier one.
                Iterator<Ping> pings = session.outstandingPings.iterator();
                while (pings.hasNext()) {
                    boolean answered = pings.next().payload().equals(text);
                    pings.remove();
                    if (answered) {
                        break;
                    }
                }
                pongsMatched.incrementAndGet();
            } else {
                log.add(session.connection + " PONG matches no outstanding PING (does not count)");
            }
        }
    }

    /**
     * Counts one incoming message (text, PING or PONG) against the 5-a-second limit; closes the
     * connection and returns false when it is over.
     */
    private boolean withinMessageRate(Session session) {
        long now = System.nanoTime();
        int count;
        synchronized (session.recentMessages) {
            session.recentMessages.addLast(now);
            while (now - session.recentMessages.peekFirst() >= 1_000_000_000L) {
                session.recentMessages.removeFirst();
            }
            count = session.recentMessages.size();
        }
        if (count > MAX_MESSAGES_PER_SECOND) {
            close(session, 1008, "Too many requests", CloseReason.TOO_MANY_MESSAGES);
            return false;
        }
        return true;
    }

    @Override
    void tick(Session session, long now) {
        if (!isSendingData()) {
            // Silent: no pings, and nothing outstanding to time out on once it speaks again.
            synchronized (session.outstandingPings) {
                session.outstandingPings.clear();
            }
            session.nextPingNanos = now + pingIntervalMs * 1_000_000;
            return;
        }
        synchronized (session.outstandingPings) {
            Ping oldest = session.outstandingPings.peekFirst();
            if (oldest != null && now - oldest.sentNanos() >= pongTimeoutMs * 1_000_000) {
                log.add(session.connection + " no PONG for PING " + oldest.payload() + " within " + pongTimeoutMs + " ms");
                drop(session, CloseReason.PONG_TIMEOUT);
                return;
            }
        }
        if (now - session.nextPingNanos >= 0) {
            String payload = Long.toString(lastPingPayload.updateAndGet(
                    previous -> Math.max(previous + 1, System.currentTimeMillis())));
            synchronized (session.outstandingPings) {
                session.outstandingPings.addLast(new Ping(payload, now));
            }
            session.connection.sendPing(payload.getBytes(StandardCharsets.US_ASCII));
            pingsSent.incrementAndGet();
            log.add(session.connection + " -> PING \"" + payload + "\"");
            session.nextPingNanos = now + pingIntervalMs * 1_000_000;
        }
    }

    /** A PING the fake sent and has not yet seen answered. */
    private record Ping(String payload, long sentNanos) {
    }

    /** One connection: raw or combined payloads, its recent incoming messages and its unanswered pings. */
    static final class Session extends ExchangeSession {
        private volatile boolean combined;
        private final Deque<Long> recentMessages = new ArrayDeque<>();
        private final Deque<Ping> outstandingPings = new ArrayDeque<>();
        private volatile long nextPingNanos;

        Session(FakeWebSocketServer.Connection connection, boolean combined) {
            super(connection);
            this.combined = combined;
        }

        /** The payload as this connection receives it: wrapped on combined streams, bare on raw ones. */
        String frame(String stream, String data) {
            return combined ? "{\"stream\":" + Json.quote(stream) + ",\"data\":" + data + "}" : data;
        }
    }
}
