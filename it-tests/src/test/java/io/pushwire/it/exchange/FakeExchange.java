package io.pushwire.it.exchange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * What the three fake exchanges share: a {@link FakeWebSocketServer}, the instruments they know, the
 * subscriptions of each connection, the counters and event log that end-to-end tests assert on and print,
 * the faults that look the same on every exchange (refused handshakes, resets, silence, expiry, trade id
 * gaps), a timer that drives each exchange's keepalive rules, and scripted continuous trading.
 *
 * <p>Subscription keys are exchange-specific strings: a Binance stream name ({@code btcusdt@trade}), an
 * OKX {@code channel:instId} ({@code trades:BTC-USDT}), a Kraken {@code channel:symbol}
 * ({@code trade:BTC/USD}).
 *
 * @param <S> the exchange's per-connection state
 */
public abstract class FakeExchange<S extends ExchangeSession> implements AutoCloseable {
    /** Granularity of the keepalive timers; small next to any timeout a test would set. */
    static final long TICK_MS = 10;
    private static final long AWAIT_POLL_MS = 10;
    private static final int DESCRIBED_EVENTS = 300;

    private final String name;
    private final String defaultPath;
    final EventLog log;
    private final FakeWebSocketServer server;
    private final Map<Integer, S> sessions = new ConcurrentHashMap<>();
    private final Set<String> instruments = new CopyOnWriteArraySet<>();
    final TradeIds tradeIds = new TradeIds(1);
    final SyntheticMarket market = new SyntheticMarket(20_240_601L);
    /** Held while an event is numbered and sent, so that every connection sees an instrument's ids in order. */
    final Object publishLock = new Object();
    private final AtomicLong clientPingsAnswered = new AtomicLong();
    private final List<ScriptedTrading> scripts = new CopyOnWriteArrayList<>();
    private volatile boolean sendingData = true;
    private volatile Duration maxConnectionAge;
    private volatile boolean closed;

    FakeExchange(String name, String defaultPath, List<String> defaultInstruments) {
        this.name = name;
        this.defaultPath = defaultPath;
        this.log = new EventLog(name);
        this.instruments.addAll(defaultInstruments);
        try {
            this.server = new FakeWebSocketServer(name, new Callbacks());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
        }
        Thread.ofVirtual().name(name + "-timers").start(this::timerLoop);
        log.add("listening on " + uri());
    }

    // ---- what each exchange implements ----

    abstract S newSession(FakeWebSocketServer.Connection connection);

    /** Called once the upgrade is answered, before any client message is read. */
    void opened(S session) {
    }

    abstract void onClientText(S session, String text);

    /** A protocol ping from the client (the server has already answered it unless told not to). */
    void onProtocolPing(S session, byte[] payload) {
    }

    void onProtocolPong(S session, byte[] payload) {
    }

    /** Every {@link #TICK_MS} for each active connection: the exchange's keepalive rules. */
    void tick(S session, long nowNanos) {
    }

    /** How the exchange ends a connection that reached its maximum age. */
    void expire(S session) {
        close(session, 1000, "", CloseReason.EXPIRED);
    }

    /** One trade and one ticker for {@code symbol} with synthetic numbers (for {@link #startTrading}). */
    abstract void publishSynthetic(String symbol);

    /**
     * An HTTP status to refuse an upgrade to {@code target} with, or 0 to accept. By default only the
     * exchange's path is served.
     */
    int refusal(String target) {
        return pathOf(target).equals(defaultPath) ? 0 : 404;
    }

    /**
     * Sends, to every open connection, text that is not JSON and then JSON that lacks the fields a data
     * message must have, as a broken or changed exchange would.
     */
    public abstract void sendMalformed();

    // ---- address ----

    /** The exchange's endpoint, e.g. {@code ws://127.0.0.1:PORT/stream}. */
    public URI uri() {
        return server.uri(defaultPath);
    }

    public URI uri(String pathAndQuery) {
        return server.uri(pathAndQuery);
    }

    public int port() {
        return server.port();
    }

    /** The underlying server, for per-connection faults ({@code reset}, {@code blackhole}) and raw counters. */
    public FakeWebSocketServer server() {
        return server;
    }

    // ---- instruments and subscriptions ----

    /** The instruments this fake knows, in the exchange's own spelling, in the order they were given. */
    public Set<String> instruments() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(instruments));
    }

    /** Replaces the instruments this fake knows. */
    public void instruments(String... known) {
        instruments.clear();
        instruments.addAll(List.of(known));
        log.add("instruments now " + instruments);
    }

    public void addInstrument(String instrument) {
        instruments.add(instrument);
    }

    boolean knows(String instrument) {
        return instruments.contains(instrument);
    }

    /** Subscriptions of each open connection, by connection id. */
    public Map<Integer, List<String>> subscriptions() {
        Map<Integer, List<String>> all = new TreeMap<>();
        sessions.values().forEach(session -> all.put(session.id(), session.subscriptions()));
        return all;
    }

    /** How many open connections are subscribed to {@code key}. */
    public int subscriberCount(String key) {
        return (int) sessions.values().stream().filter(s -> !s.inactive() && s.isSubscribed(key)).count();
    }

    public boolean isSubscribed(String key) {
        return subscriberCount(key) > 0;
    }

    /** Waits until some open connection is subscribed to {@code key}; fails with the event log otherwise. */
    public void awaitSubscribed(String key, Duration timeout) {
        awaitSubscribers(key, 1, timeout);
    }

    /** Waits until at least {@code count} open connections are subscribed to {@code key} (an overlap: 2). */
    public void awaitSubscribers(String key, int count, Duration timeout) {
        await(() -> subscriberCount(key) >= count, timeout, count + " connection(s) subscribed to " + key);
    }

    /**
     * Waits until exactly {@code count} connections are open and each has its session: the server counts
     * a connection open just before its handler registers the session, and a scripted fault sent in
     * between would reach nobody.
     */
    public void awaitOpenConnections(int count, Duration timeout) {
        await(() -> openConnections() == count && sessions.size() == count, timeout, count + " open connection(s)");
    }

    /** Waits until at least {@code count} connections have ended for {@code reason}. */
    public void awaitCloses(CloseReason reason, int count, Duration timeout) {
        await(() -> closes(reason) >= count, timeout, count + " close(s) for " + reason);
    }

    /** Polls {@code condition} until true or {@code timeout}; the failure carries {@link #describe()}. */
    public void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(name + ": no " + what + " within " + timeout + "\n" + describe());
            }
            try {
                Thread.sleep(AWAIT_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    // ---- counters ----

    /** Upgrade requests, accepted or refused. */
    public int handshakes() {
        return server.handshakes();
    }

    public int refusedHandshakes() {
        return server.refusedHandshakes();
    }

    /** Request path and query of every handshake, in order. */
    public List<String> handshakeTargets() {
        return server.handshakeTargets();
    }

    /** Connections accepted (upgraded) so far. */
    public int connectionsTotal() {
        return server.connectionsTotal();
    }

    public int openConnections() {
        return server.openCount();
    }

    public int maxConcurrentConnections() {
        return server.maxConcurrentlyOpen();
    }

    /** Connections that have ended for {@code reason}. */
    public int closes(CloseReason reason) {
        return (int) server.records().stream().filter(r -> !r.isOpen() && r.ending() == reason).count();
    }

    public Map<CloseReason, Integer> closesByReason() {
        Map<CloseReason, Integer> counts = new EnumMap<>(CloseReason.class);
        server.records().stream().filter(r -> !r.isOpen()).forEach(r -> counts.merge(r.ending(), 1, Integer::sum));
        return counts;
    }

    public List<ConnectionRecord> connectionRecords() {
        return server.records();
    }

    /** Keepalive pings from clients that the fake answered (OKX/Kraken: application pings; Binance: PING frames). */
    public long clientPingsAnswered() {
        return clientPingsAnswered.get();
    }

    void countClientPingAnswered() {
        clientPingsAnswered.incrementAndGet();
    }

    /** What happened, oldest first, with wall-clock and elapsed times. */
    public List<String> events() {
        return log.lines();
    }

    /** Counters, subscriptions, connection records and the latest events: for assertion messages. */
    public String describe() {
        StringBuilder text = new StringBuilder()
                .append(name).append(": handshakes=").append(handshakes())
                .append(" refused=").append(refusedHandshakes())
                .append(" connections=").append(connectionsTotal())
                .append(" open=").append(openConnections())
                .append(" maxOpen=").append(maxConcurrentConnections())
                .append(" closes=").append(closesByReason())
                .append(" subscriptions=").append(subscriptions())
                .append('\n');
        connectionRecords().forEach(r -> text.append("  ").append(r).append('\n'));
        List<String> events = events();
        if (events.size() > DESCRIBED_EVENTS) {
            text.append("  (").append(events.size() - DESCRIBED_EVENTS).append(" earlier events in events())\n");
        }
        events.subList(Math.max(0, events.size() - DESCRIBED_EVENTS), events.size())
                .forEach(line -> text.append("  ").append(line).append('\n'));
        return text.toString();
    }

    // ---- faults shared by all exchanges ----

    /**
     * Refuses the next {@code count} upgrades with {@code httpStatus} (429 rate limited, 418 banned, 503)
     * and {@code Retry-After: retryAfterSeconds}.
     */
    public void refuse(int httpStatus, int retryAfterSeconds, int count) {
        server.refuseNextHandshakes(count, httpStatus, String.valueOf(retryAfterSeconds));
        log.add("will refuse the next " + count + " handshake(s) with " + httpStatus + ", Retry-After " + retryAfterSeconds);
    }

    /** Refuses the next {@code count} upgrades with {@code httpStatus} and no {@code Retry-After}. */
    public void refuse(int httpStatus, int count) {
        server.refuseNextHandshakes(count, httpStatus, null);
        log.add("will refuse the next " + count + " handshake(s) with " + httpStatus);
    }

    /**
     * Sends {@code text} as it is to every open connection, whatever it subscribed to: for payloads the
     * typed publishers cannot produce (odd numbers, unknown fields, other exchanges' messages).
     */
    public void sendToAll(String text) {
        log.add("sending to all: " + EventLog.shorten(text));
        server.openConnections().forEach(connection -> connection.sendText(text));
    }

    /** Resets every open connection (TCP RST, no close frame). */
    public void resetAll() {
        log.add("resetting all " + openConnections() + " connection(s)");
        server.openConnections().forEach(FakeWebSocketServer.Connection::reset);
    }

    /** Blackholes every open connection: nothing more is read or written, the sockets stay open. */
    public void blackholeAll() {
        log.add("blackholing all " + openConnections() + " connection(s)");
        server.openConnections().forEach(FakeWebSocketServer.Connection::blackhole);
    }

    /** Closes every connection with a close frame, as the test's own decision. */
    public void closeAll(int code, String reason) {
        log.add("closing all connections with " + code + " " + reason);
        sessions.values().forEach(s -> close(s, code, reason, CloseReason.CLOSED_BY_TEST));
    }

    /** Ends every connection the way the exchange ends one that reached its maximum age. */
    public void expireConnections() {
        log.add("expiring all connections");
        activeSessions().forEach(this::expire);
    }

    /** Expires each connection once it is {@code maxConnectionAge} old (Binance's 24 h, made short). */
    public void closeAfter(Duration maxConnectionAge) {
        this.maxConnectionAge = maxConnectionAge;
        log.add("connections now expire after " + maxConnectionAge);
    }

    /**
     * The exchange goes silent without closing anything: no data (and, where the exchange sends them, no
     * keepalive pings or heartbeats). Trades published meanwhile still take their ids, as trades that
     * happened but never reached anyone, so resumed data shows the gap a real stall leaves.
     */
    public void stopSendingData() {
        sendingData = false;
        log.add("stopped sending data");
    }

    public void resumeSendingData() {
        sendingData = true;
        log.add("resumed sending data");
    }

    public boolean isSendingData() {
        return sendingData;
    }

    /** The next trade of {@code instrument} gets an id {@code n} higher than the one it would have had. */
    public void skipTradeIds(String instrument, long n) {
        tradeIds.skip(instrument, n);
        log.add("skipping " + n + " trade id(s) of " + instrument);
    }

    /** Sets the id of the next trade of {@code instrument}. */
    public void nextTradeId(String instrument, long id) {
        tradeIds.setNext(instrument, id);
    }

    /** The first trade id of every instrument that has not traded yet (default 1). */
    public void firstTradeId(long id) {
        tradeIds.setFirst(id);
    }

    /**
     * Publishes, {@code roundsPerSecond} times a second, one trade and one ticker for each symbol until the
     * returned handle (or the fake) is closed.
     */
    public ScriptedTrading startTrading(List<String> symbols, double roundsPerSecond) {
        ScriptedTrading script = new ScriptedTrading(name, symbols, roundsPerSecond, this::publishSynthetic);
        scripts.add(script);
        log.add("trading " + symbols + " at " + roundsPerSecond + "/s");
        return script;
    }

    /** Stops scripted trading, timers and the server; every connection is dropped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scripts.forEach(ScriptedTrading::stop);
        server.close();
        log.add("stopped");
    }

    // ---- for the exchanges ----

    /** Sessions not {@linkplain ExchangeSession#inactive() inactive}, for faults that address every connection. */
    List<S> activeSessions() {
        return sessions.values().stream().filter(session -> !session.inactive()).toList();
    }

    /**
     * Sends the text rendered for each active connection subscribed to {@code key}; nothing while the
     * exchange is silent. Callers hold {@link #publishLock} when the text carries a sequence number.
     */
    int publish(String key, Function<S, String> render) {
        if (!sendingData) {
            return 0;
        }
        int recipients = 0;
        for (S session : sessions.values()) {
            if (!session.inactive() && session.isSubscribed(key) && session.send(render.apply(session))) {
                recipients++;
            }
        }
        return recipients;
    }

    /** Sends a control message (ack, error, pong, notice) and logs it. */
    void reply(S session, String text) {
        log.add(session.connection + " -> " + EventLog.shorten(text));
        session.send(text);
    }

    void close(S session, int code, String reason, CloseReason why) {
        if (session.connection.isOpen() && !session.connection.isClosing()) {
            log.add(session.connection + " closing (" + why + "): " + code + " " + reason);
            session.connection.close(code, reason, why);
        }
    }

    /** Ends the connection without a close frame (TCP FIN), as some exchanges do when a rule is broken. */
    void drop(S session, CloseReason why) {
        if (session.connection.isOpen()) {
            log.add(session.connection + " dropping without a close frame (" + why + ")");
            session.connection.disconnect(why);
        }
    }

    /** Runs {@code action} after {@code delay} on its own virtual thread (unless the fake closed by then). */
    void later(Duration delay, Runnable action) {
        Thread.ofVirtual().name(name + "-later").start(() -> {
            try {
                Thread.sleep(delay);
                if (!closed) {
                    action.run();
                }
            } catch (InterruptedException e) {
                // fake closing
            }
        });
    }

    static String pathOf(String target) {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    static String queryOf(String target) {
        int query = target.indexOf('?');
        return query < 0 ? "" : target.substring(query + 1);
    }

    private void timerLoop() {
        while (!closed) {
            try {
                Thread.sleep(TICK_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            Duration maxAge = maxConnectionAge;
            for (S session : sessions.values()) {
                if (session.inactive()) {
                    continue;
                }
                try {
                    if (maxAge != null && now - session.connection.openedNanos() >= maxAge.toNanos()) {
                        log.add(session.connection + " reached its maximum age " + maxAge);
                        expire(session);
                    } else {
                        tick(session, now);
                    }
                } catch (RuntimeException e) {
                    e.printStackTrace();
                }
            }
        }
    }

    /** Relays the server's callbacks to the exchange, keeping the session map and the log. */
    private final class Callbacks implements FakeWebSocketServer.Handler {
        @Override
        public int refusal(String target) {
            return FakeExchange.this.refusal(target);
        }

        @Override
        public void onRefused(String target, int status) {
            log.add("refused handshake " + target + " with " + status);
        }

        @Override
        public void onOpen(FakeWebSocketServer.Connection connection) {
            S session = newSession(connection);
            sessions.put(connection.id(), session);
            log.add(connection + " open " + connection.path());
            opened(session);
        }

        @Override
        public void onText(FakeWebSocketServer.Connection connection, String text) {
            S session = sessions.get(connection.id());
            if (session != null) {
                log.add(connection + " <- " + EventLog.shorten(text));
                onClientText(session, text);
            }
        }

        @Override
        public void onBinary(FakeWebSocketServer.Connection connection, byte[] data) {
            log.add(connection + " <- binary message of " + data.length + " bytes (ignored)");
        }

        @Override
        public void onPing(FakeWebSocketServer.Connection connection, byte[] payload) {
            S session = sessions.get(connection.id());
            if (session != null) {
                log.add(connection + " <- PING " + Payloads.show(payload));
                onProtocolPing(session, payload);
            }
        }

        @Override
        public void onPong(FakeWebSocketServer.Connection connection, byte[] payload) {
            S session = sessions.get(connection.id());
            if (session != null) {
                log.add(connection + " <- PONG " + Payloads.show(payload));
                onProtocolPong(session, payload);
            }
        }

        @Override
        public void onClosed(FakeWebSocketServer.Connection connection) {
            sessions.remove(connection.id());
            ConnectionRecord record = connection.record();
            log.add(connection + " closed: " + record.ending()
                    + (record.closeCode() >= 0 ? " (close code " + record.closeCode() + ")" : " (no close frame)")
                    + " after " + Duration.between(record.openedAt(), record.closedAt()).toMillis() + " ms");
        }
    }
}
