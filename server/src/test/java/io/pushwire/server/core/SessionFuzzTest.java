package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Hello;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.Welcome;
import io.pushwire.server.broker.ChannelKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the session state machine: a real {@link PushServer} with fake transports, a manual clock and a
 * manual writer, so that a seeded run replays exactly. Up to {@value #MAX_LIVE} clients at a time send up
 * to {@value #MAX_MESSAGES} messages each from {@link SessionFrames} (frames in any order, resumes with
 * real and wrong tokens, batches, broken frames, garbage, floods, oversized and binary messages), while
 * time jumps (hello deadlines, heartbeats, token expiry, session expiry), the hub publishes (slow
 * consumers) and transports close or fail under them.
 *
 * <p>Checked at every step: nothing escapes the server; everything it writes is a valid frame, errors carry
 * a documented code other than {@code internal}, closes a documented close code, and nothing follows a
 * close; each message gets what {@link ReplyOracle} says it must; connection and session counts match
 * the clients' states. After the run: with every transport closed and the TTL over, no connection,
 * session or subscriber is left, the counters add up, and a new client can still hello, subscribe and
 * receive an event.
 *
 * <p>{@code -Dpushwire.fuzz.seed=N} replays or varies the run, {@code -Dpushwire.fuzz.iterations=N} sets the
 * number of client connections per server mode. A failure names the seed and the client's history.
 */
class SessionFuzzTest {
    private static final long SEED = Long.getLong("pushwire.fuzz.seed", 20_261_122L);
    private static final int CONNECTIONS = Integer.getInteger("pushwire.fuzz.iterations", 2_000);
    private static final int MAX_LIVE = 4;
    private static final int MAX_MESSAGES = 50;
    private static final Set<Integer> CLOSE_CODES = DocumentedCodes.closeCodes();
    private static final Set<String> ERROR_CODES = DocumentedCodes.errorCodes();
    /** What a transport reports when it broke without a close handshake; it is never sent. */
    private static final int ABNORMAL = 1006;
    /** Held: JUL keeps loggers weakly, and a collected one would lose the setting. */
    private static final Logger LIFECYCLE = Logger.getLogger(LifecycleLog.LOGGER);

    private final FrameCodec codec = new FrameCodec();
    private final ManualTime time = new ManualTime(1_700_000_000_000L);
    private final ManualExecutor writer = new ManualExecutor();
    private final List<FuzzClient> live = new ArrayList<>();
    /** Closed clients, with how many messages the server had written to them when they were retired. */
    private final Map<FuzzClient, Integer> retired = new HashMap<>();
    private final Set<String> subscribedChannels = new HashSet<>();
    private final Set<String> clientIds = new HashSet<>();
    private SplittableRandom random;
    private PushServer server;
    private SessionFrames frames;
    private ReplyOracle oracle;
    private int opened;

    /** Lifecycle lines are still built (their escaping meets hostile values too) but not printed, thousands of them. */
    @BeforeAll
    static void quietLifecycle() {
        LIFECYCLE.setUseParentHandlers(false);
    }

    @AfterAll
    static void restoreLifecycle() {
        LIFECYCLE.setUseParentHandlers(true);
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anonymousServer() {
        fuzz(SEED, null);
    }

    @Test
    void authenticatedServer() {
        fuzz(SEED + 1, new FuzzTokens());
    }

    private void fuzz(long seed, FuzzTokens tokens) {
        random = new SplittableRandom(seed);
        ServerConfig config = config(tokens);
        server = new PushServer(config, codec, time, writer, time);
        server.hub().declare("sim.trades.BTC-USDT");
        server.hub().declare("sim.ticker.BTC-USDT");
        frames = new SessionFrames(random, codec, tokens, time::millis);
        oracle = new ReplyOracle(codec, config.maxFrameBytes(), tokens);
        FuzzActions actions = new FuzzActions(random, server, time, writer);
        FuzzClient acting = null;
        try {
            while (opened < CONNECTIONS || !live.isEmpty()) {
                acting = step(actions);
            }
            checkHealthy(tokens != null);
        } catch (Throwable failure) { // an AssertionError, or whatever escaped the server
            String history = failure instanceof ClientFailure || acting == null ? "" : "\n" + acting.history();
            throw new AssertionError("session fuzz of seed " + seed + " failed (rerun with -Dpushwire.fuzz.seed=" + SEED
                    + "): " + failure + history, failure);
        }
    }

    /** A check failed for one client; the message has its history. */
    private static final class ClientFailure extends AssertionError {
        ClientFailure(Throwable failure, FuzzClient client) {
            super(failure.getMessage() + "\n" + client.history(), failure);
        }
    }

    private static ServerConfig config(FuzzTokens tokens) {
        return ServerConfig.builder().helloTimeoutMs(3_000).heartbeatIntervalMs(4_000).heartbeatTimeoutMs(2_000)
                .inboundRatePerSec(20).inboundBurst(40).abuseFactor(3).maxFrameBytes(4_096).maxRejectedFrames(8)
                .sessionTtlMs(20_000).maxPendingMe(20).closeTimeoutMs(1_000).maxQueueBytes(8_000)
                .historySize(50).maxSubscriptions(3).maxConnectionsPerAddress(MAX_LIVE - 1).authGraceMs(2_000)
                .channels(ChannelRules.builder().priority("news.low.*", Lane.LOW).build())
                .authenticator(tokens == null ? Authenticator.NONE : tokens.authenticator()).build();
    }

    /** One random step; returns the client it acted on, if any. */
    private FuzzClient step(FuzzActions actions) {
        int roll = random.nextInt(100);
        if (live.isEmpty() || roll < 8 && live.size() < MAX_LIVE && opened < CONNECTIONS) {
            FuzzClient client = new FuzzClient(++opened, server);
            live.add(client);
            settle();
            return client;
        }
        FuzzClient client = live.get(random.nextInt(live.size()));
        if (client.messagesSent >= MAX_MESSAGES || opened >= CONNECTIONS && roll < 10) {
            client.log("peer closes 1000");
            client.connection.onTransportClosed(1000, "done");
            settle();
        } else if (roll < 72) {
            send(client, frames.message(client.welcomed));
        } else if (roll < 74) {
            for (int n = 20 + random.nextInt(100); n > 0 && !client.isClosed(); n--) {
                send(client, frames.ping());
            }
        } else if (roll < 75) {
            send(client, frames.oversized(server.config().maxFrameBytes()));
        } else if (roll < 77) {
            send(client, null);
        } else if (roll < 87) {
            actions.advanceTime();
            settle();
        } else if (roll < 96) {
            actions.publish(new ArrayList<>(clientIds));
            settle();
        } else {
            transportEvent(client);
        }
        return client;
    }

    /** Sends a message; one time in six the writer lags, and its replies come with a later step's. */
    private void send(FuzzClient client, String text) {
        client.messagesSent++;
        client.log("-> " + (text == null ? "(binary)" : FuzzClient.abbreviate(text)));
        boolean expectsReplies = !client.isClosed() && !client.sendsFail;
        int closes = client.transport.closeCodes().size();
        long rateLimited = server.counters().snapshot().get("rateLimited");
        Set<String> restorable = restorable(text);
        if (text == null) {
            client.connection.onBinary();
        } else {
            client.connection.onText(text);
        }
        if (expectsReplies) {
            // The counter tells a dropped message from one whose replies are missing.
            client.awaiting.add(new ReplyOracle.Sent(text, closes, time.millis(),
                    server.counters().snapshot().get("rateLimited") > rateLimited, restorable));
        }
        if (random.nextInt(6) > 0) {
            settle();
        }
    }

    /** The channels of every session a hello in {@code text} names: what a resume would restore. */
    private Set<String> restorable(String text) {
        Set<String> channels = new HashSet<>();
        try {
            for (Frame frame : text == null ? List.<Frame>of() : codec.decode(text)) {
                if (frame instanceof Hello hello && hello.clientId() != null) {
                    server.sessions().byId(hello.clientId()).ifPresent(session -> channels.addAll(session.channels()));
                }
            }
        } catch (ProtocolException refused) {
            // no hello in it, then
        }
        return channels;
    }

    /** The peer closes or resets, or the socket starts failing writes. */
    private void transportEvent(FuzzClient client) {
        switch (random.nextInt(4)) {
            case 0, 1 -> {
                int code = List.of(1000, 1001, ABNORMAL, 4000).get(random.nextInt(4));
                client.log("peer closes " + code);
                client.connection.onTransportClosed(code, "peer");
            }
            case 2 -> {
                client.log("writes fail from now on");
                client.transport.failSendsWith(new IOException("connection reset"));
                client.sendsFail = true;
            }
            default -> {
                client.log("peer closes twice");
                client.connection.onTransportClosed(1000, "bye");
                client.connection.onTransportClosed(ABNORMAL, "reset");
            }
        }
        settle();
    }

    /**
     * Runs every queued write, then checks what each live client received, against what it sent too, and the
     * server's counts; retires closed clients.
     */
    private void settle() {
        writer.runAll();
        for (FuzzClient client : live) {
            try {
                List<Frame> unread = client.unread(codec);
                unread.forEach(this::checkWritten);
                unread.forEach(client.streams::accept);
                assertTrue(client.transport.closeCodes().stream().allMatch(CLOSE_CODES::contains),
                        "undocumented close code in " + client.transport.closeCodes());
                if (!client.sendsFail) {
                    oracle.check(client, client.awaiting, unread);
                }
                client.awaiting.clear();
            } catch (AssertionError | RuntimeException failure) {
                throw new ClientFailure(failure, client);
            }
        }
        long open = live.stream().filter(client -> !client.isClosed()).count();
        long welcomedAndOpen = live.stream().filter(client -> client.connection.state() == Connection.State.OPEN).count();
        assertEquals(open, server.connectionCount(), "connections the server counts");
        assertEquals(welcomedAndOpen, server.attachedSessionCount(), "sessions attached to open connections");
        for (FuzzClient client : List.copyOf(live)) {
            if (client.isClosed()) {
                live.remove(client);
                assertNothingAfterClose(client);
                retired.put(client, client.transport.sent().size());
            }
        }
    }

    /** A frame the server wrote: its error code documented and not a server fault; what it teaches the run. */
    private void checkWritten(Frame frame) {
        if (frame instanceof ErrorFrame error) {
            assertTrue(ERROR_CODES.contains(error.code()), "undocumented error code " + error.code());
            assertTrue(!error.code().equals(ErrorCode.INTERNAL), "a server fault: " + error);
        } else if (frame instanceof Welcome welcome) {
            frames.sawWelcome(welcome);
            clientIds.add(welcome.clientId());
        } else if (frame instanceof Subscribed subscribed) {
            frames.sawEpoch(subscribed.channel(), subscribed.epoch());
            subscribedChannels.add(subscribed.channel());
        }
    }

    private static void assertNothingAfterClose(FuzzClient client) {
        List<String> timeline = client.transport.timeline();
        int close = timeline.indexOf(timeline.stream().filter(entry -> entry.startsWith("close:")).findFirst().orElse(""));
        assertTrue(close < 0 || !timeline.subList(close, timeline.size()).contains("send"), "a write after the close: " + timeline);
    }

    /**
     * With every client gone and the TTL over, nothing is left; the counters add up; and a new client is served.
     */
    private void checkHealthy(boolean authenticated) {
        retired.forEach((client, sent) -> assertEquals(sent, client.transport.sent().size(), "written to after its close"));
        assertEquals(0, server.connectionCount());
        assertEquals(0, server.attachedSessionCount());
        for (String channel : subscribedChannels) {
            if (!channel.equals("$me")) {
                assertEquals(0, server.hub().subscriberCount(ChannelKey.of(channel)), "subscribers left on " + channel);
            }
        }
        for (String clientId : clientIds) {
            server.sessions().byId(clientId).ifPresent(session ->
                    assertEquals(0, server.hub().subscriberCount(session.inbox().key()), "subscribers left on $me of " + clientId));
        }
        time.advance(server.config().sessionTtlMs() + 1);
        server.expireSessions();
        assertEquals(0, server.sessionCount(), "sessions left after their TTL");
        checkCounters(authenticated);
        checkNewClientServed(authenticated);
    }

    private void checkCounters(boolean authenticated) {
        Map<String, Long> counters = server.counters().snapshot();
        counters.forEach((name, value) -> assertTrue(value >= 0, name + " = " + value));
        assertEquals(counters.get("connectionsOpened"), counters.get("connectionsClosed"));
        Map<Integer, Long> closes = server.counters().closesByCode();
        assertEquals(counters.get("connectionsClosed"), closes.values().stream().mapToLong(Long::longValue).sum());
        closes.keySet().forEach(code -> assertTrue(CLOSE_CODES.contains(code) || code == ABNORMAL, "closed with " + code));
        if (CONNECTIONS >= 1_000) {
            // A run this long that never reached these paths fuzzed less than it claims.
            for (String reached : List.of("protocolErrors", "rateLimited", "abuseCloses", "slowConsumerCloses",
                    "heartbeatTimeouts", "sessionsResumed", "resumesFailed", "sessionsReplaced", "sessionsExpired",
                    "limitsExceeded", "connectionsRefused", "eventsDropped", "eventsConflated")) {
                assertTrue(counters.get(reached) > 0, reached + " never happened: " + counters);
            }
            if (authenticated) {
                assertTrue(counters.get("unauthorized") > 0 && counters.get("tokensExpired") > 0, counters.toString());
            }
        }
    }

    private void checkNewClientServed(boolean authenticated) {
        FuzzClient client = new FuzzClient(++opened, server);
        String token = authenticated ? ",\"token\":\"" + new FuzzTokens().mint("carol", time.millis() + 60_000) + "\"" : "";
        client.connection.onText("{\"type\":\"hello\",\"id\":1,\"protocol\":1" + token + "}");
        client.connection.onText("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"news.health\"}");
        server.hub().publish("news.health", JsonNodeFactory.instance.textNode("still serving"));
        writer.runAll();
        List<Frame> received = client.unread(codec);
        assertTrue(received.stream().anyMatch(Welcome.class::isInstance), "no welcome: " + received);
        assertTrue(received.stream().anyMatch(frame -> frame instanceof Event event && event.channel().equals("news.health")),
                "no event: " + received);
    }
}
