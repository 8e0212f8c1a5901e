package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.protocol.CloseCode;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Ping;
import io.pushwire.protocol.Welcome;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Server heartbeat with a hand-moved clock: ping when idle, 4000 when the client is silent too long. */
class HeartbeatTest {
    private static final long INTERVAL = 25_000;
    private static final long TIMEOUT = 10_000;
    private static final String HELLO = "{\"type\":\"hello\",\"id\":1,\"protocol\":1}";

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
    private final PushServer server = new PushServer(ServerConfig.builder().helloTimeoutMs(600_000)
            .heartbeatIntervalMs(INTERVAL).heartbeatTimeoutMs(TIMEOUT).build(), new FrameCodec(), clock);
    private final FakeTransport transport = new FakeTransport();

    @AfterEach
    void close() {
        server.close();
    }

    private Connection helloed() {
        Connection connection = server.open(transport);
        connection.onText(HELLO);
        transport.awaitFrame(Welcome.class);
        server.sweepHeartbeats(); // sees the welcome write as activity
        return connection;
    }

    private void advance(long ms) {
        now.addAndGet(ms);
        server.sweepHeartbeats();
    }

    private long pings() {
        return transport.frames().stream().filter(Ping.class::isInstance).count();
    }

    @Test
    void idleConnectionIsPingedOncePerInterval() {
        helloed();
        advance(INTERVAL - 1);
        assertEquals(0, pings());

        advance(1);
        FakeTransport.await(() -> pings() == 1, "a ping after one idle interval");
        Ping ping = (Ping) transport.frames().stream().filter(Ping.class::isInstance).findFirst().orElseThrow();
        assertEquals(now.get(), ping.ts());

        advance(INTERVAL / 2);
        assertEquals(1, pings(), "the ping itself is outbound activity");
    }

    @Test
    void busyConnectionIsNotPinged() {
        Connection connection = helloed();
        for (int i = 0; i < 10; i++) {
            int written = transport.sent().size();
            connection.onText("{\"type\":\"ping\",\"ts\":" + i + "}"); // answered with a pong: a write
            FakeTransport.await(() -> transport.sent().size() > written, "pong " + written);
            advance(INTERVAL / 2);
        }
        assertEquals(0, pings());
    }

    @Test
    void clientThatOnlyReceivesIsPingedAndStaysOpenWhenItAnswers() {
        Connection connection = helloed();
        connection.onText("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"news.flow\"}");
        transport.awaitFrame(io.pushwire.protocol.Subscribed.class);
        for (int step = 0; step < 5; step++) { // 31.25 s: a ping at 25 s, answered before 35 s
            // Events keep the server side busy; the client never writes on its own.
            int events = transport.frames(io.pushwire.protocol.Event.class).size();
            server.hub().publish("news.flow", com.fasterxml.jackson.databind.node.IntNode.valueOf(step));
            FakeTransport.await(() -> transport.frames(io.pushwire.protocol.Event.class).size() > events, "event " + step);
            advance(INTERVAL / 4);
        }
        FakeTransport.await(() -> pings() == 1, "a ping to the silent client, although events flow");
        connection.onText("{\"type\":\"pong\"}");
        for (int step = 0; step < 5; step++) { // silent again: the next ping comes 25 s after the pong
            server.hub().publish("news.flow", com.fasterxml.jackson.databind.node.IntNode.valueOf(step));
            advance(INTERVAL / 4);
        }
        FakeTransport.await(() -> pings() == 2, "one ping per silence");
        assertTrue(transport.closeCodes().isEmpty(), "answered, so kept: " + transport.closeCodes());
    }

    @Test
    void clientSilentForIntervalPlusTimeoutIsClosedWith4000() {
        Connection connection = helloed();
        advance(INTERVAL);
        FakeTransport.await(() -> pings() == 1, "the ping after an interval of silence");
        advance(TIMEOUT);
        assertTrue(transport.closeCodes().isEmpty(), "exactly interval + timeout is still alive");

        advance(1);
        assertEquals(CloseCode.HEARTBEAT_TIMEOUT, transport.awaitClose());
        assertEquals(Connection.State.CLOSED, connection.state());
        assertEquals(0, server.attachedSessionCount());
        assertEquals(1L, server.counters().snapshot().get("heartbeatTimeouts"));
    }

    @Test
    void aPingStuckBehindABacklogGivesTheClientATimeoutFromWhenItIsWritten() {
        Connection connection = helloed();
        int before = transport.sendsStarted();
        transport.blockSends(); // the client reads nothing for now: the ping cannot leave
        advance(INTERVAL);
        transport.awaitSendsStarted(before + 1);
        advance(TIMEOUT + 1);
        assertEquals(Connection.State.OPEN, connection.state(), "it never got the ping: not its fault");

        transport.releaseSends();
        long writtenAt = now.get();
        FakeTransport.await(() -> connection.lastPingWrittenMs() == writtenAt, "the ping written at last");
        advance(TIMEOUT - 1);
        assertEquals(Connection.State.OPEN, connection.state(), "a timeout from the write is not over yet");
        advance(1);
        assertEquals(CloseCode.HEARTBEAT_TIMEOUT, transport.awaitClose());
    }

    @Test
    void aClientSilentThreeTimesTheLimitIsClosedEvenIfThePingNeverLeft() {
        Connection connection = helloed();
        transport.blockSends();
        advance(INTERVAL);
        advance(3 * (INTERVAL + TIMEOUT) - INTERVAL);
        assertEquals(Connection.State.OPEN, connection.state());

        advance(1);

        assertEquals(Connection.State.CLOSED, connection.state());
        assertEquals(1L, server.counters().snapshot().get("heartbeatTimeouts"));
        transport.releaseSends();
    }

    @Test
    void anyInboundFrameCountsAsLiveness() {
        Connection connection = helloed();
        for (int i = 0; i < 5; i++) {
            advance(INTERVAL);
            connection.onText("{\"type\":\"pong\"}");
        }
        advance(INTERVAL + TIMEOUT);
        assertTrue(transport.closeCodes().isEmpty(), "pongs kept it alive: " + transport.closeCodes());
        // The ping is written by the connection's writer thread: wait for it rather than race it.
        FakeTransport.await(() -> transport.frames().stream().anyMatch(Ping.class::isInstance),
                "the server to ping the idle connection");
    }

    @Test
    void connectionsAwaitingHelloAreLeftToTheHelloTimer() {
        Connection connection = server.open(transport);
        advance(INTERVAL + TIMEOUT + 1);
        assertTrue(transport.closeCodes().isEmpty());
        assertEquals(Connection.State.AWAITING_HELLO, connection.state());
    }

    @Test
    void framesOverTheRateGetRateLimitedWithRetryAfterAndAreNotProcessed() {
        Connection connection = helloed(); // the hello took 1 of the 100-frame burst
        for (int i = 0; i < 99; i++) {
            connection.onText("{\"type\":\"ping\",\"ts\":" + i + "}");
        }
        connection.onText("{\"type\":\"subscribe\",\"id\":77,\"channel\":\"news.x\"}");
        io.pushwire.protocol.ErrorFrame limited = transport.awaitFrame(io.pushwire.protocol.ErrorFrame.class);
        assertEquals("rate_limited", limited.code());
        assertEquals(77L, limited.id());
        assertTrue(limited.temporary());
        assertEquals(20L, limited.retryAfterMs());
        assertTrue(transport.frames(io.pushwire.protocol.Subscribed.class).isEmpty(), "a limited frame is dropped");

        now.addAndGet(20);
        connection.onText("{\"type\":\"subscribe\",\"id\":78,\"channel\":\"news.x\"}");
        assertEquals(78L, transport.awaitFrame(io.pushwire.protocol.Subscribed.class).id());
        assertEquals(1L, server.counters().snapshot().get("rateLimited"));
    }

    @Test
    void aClientThatKeepsFloodingIsClosedWith4429() {
        Connection connection = helloed();
        for (int i = 0; i < 2_000 && transport.closeCodes().isEmpty(); i++) {
            now.incrementAndGet(); // 1,000 frames/s against a 50/s limit and a 500/s abuse threshold
            connection.onText("{\"type\":\"ping\"}");
        }
        assertEquals(CloseCode.RATE_LIMIT_ABUSE, transport.awaitClose());
        assertEquals(1L, server.counters().snapshot().get("abuseCloses"));
        assertEquals(0, server.attachedSessionCount());
    }

    @Test
    void sweepPeriodFollowsTheConfiguredTimings() {
        assertEquals(1_000, PushServer.heartbeatSweepMs(ServerConfig.builder().build()));
        assertEquals(100, PushServer.heartbeatSweepMs(ServerConfig.builder().heartbeatTimeoutMs(500).build()));
        assertEquals(10, PushServer.heartbeatSweepMs(ServerConfig.builder().heartbeatTimeoutMs(20).build()));
    }
}
