package io.pushwire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pushwire.protocol.Hello;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.ProtocolVersion;
import io.pushwire.protocol.Welcome;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A hello resumes the last welcomed session while the server still keeps it, and only then. */
class ResumableSessionTest {
    private static final Map<String, Position> POSITIONS = Map.of("sim.trades.BTC-USDT", new Position(3, "E1"));
    private final ManualScheduler time = new ManualScheduler();
    private final ResumableSession session = new ResumableSession(time);

    @Test
    void beforeAnyWelcomeTheHelloAsksForAFreshSession() {
        assertEquals(new Hello(1L, ProtocolVersion.V1, "t", null, null, null), session.hello(1L, "t", () -> POSITIONS));
        assertNull(session.clientId());
    }

    @Test
    void withinTheSessionTtlOfTheLossTheHelloResumesWithThePositions() {
        session.welcomed(welcome("C1", 120_000));
        assertEquals("C1", session.clientId());
        assertEquals(new Hello(2L, ProtocolVersion.V1, "t", "C1", "secret-C1", POSITIONS),
                session.hello(2L, "t", () -> POSITIONS), "connected: a reconnect resumes");
        session.lost();
        time.advance(119_999);
        assertEquals("C1", session.hello(3L, "t", () -> POSITIONS).clientId());
        time.advance(1);
        assertEquals(new Hello(4L, ProtocolVersion.V1, "t", null, null, null), session.hello(4L, "t", () -> POSITIONS),
                "the server has let the session go");
        assertEquals("C1", session.clientId(), "still the last one the server gave");
    }

    @Test
    void aNewWelcomeReplacesTheSessionAndItsTtl() {
        session.welcomed(welcome("C1", 1_000));
        session.lost();
        time.advance(500);
        session.welcomed(welcome("C2", 60_000));
        session.lost();
        time.advance(30_000);
        Hello hello = session.hello(5L, null, () -> null);
        assertEquals("C2", hello.clientId());
        assertEquals("secret-C2", hello.resumeToken());
        assertNull(hello.positions());
    }

    private static Welcome welcome(String clientId, long ttlMs) {
        return new Welcome(1L, clientId, "secret-" + clientId, false, new Welcome.Heartbeat(25_000, 10_000),
                new Welcome.Limits(50, 100, 65_536), ttlMs);
    }
}
