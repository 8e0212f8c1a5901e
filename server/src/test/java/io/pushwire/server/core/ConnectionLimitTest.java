package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.protocol.CloseCode;
import io.pushwire.protocol.Welcome;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connections over the global or the per-address limit are closed with 4002 at once, and counted. */
class ConnectionLimitTest {
    private final ServerHarness harness = new ServerHarness(InstantSource.fixed(Instant.ofEpochMilli(1_700_000_000_000L)));

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void overTheGlobalLimitANewConnectionIsClosed4002UntilOneLeaves() {
        PushServer server = harness.start(config -> config.maxConnections(2));
        Connection first = server.open(harness.transport());
        server.open(harness.transport());
        FakeTransport third = harness.transport();

        server.open(third);

        assertEquals(CloseCode.OVERLOADED, third.awaitClose());
        assertEquals(1L, server.counters().snapshot().get("connectionsRefused"));
        assertEquals(2, server.connectionCount());
        first.onTransportClosed(1000, "bye");
        FakeTransport fourth = harness.transport();
        Connection accepted = server.open(fourth);
        accepted.onText("{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
        fourth.awaitFrame(Welcome.class, welcome -> true);
    }

    @Test
    void overThePerAddressLimitOnlyThatAddressIsRefused() {
        PushServer server = harness.start(config -> config.maxConnectionsPerAddress(1));
        server.open(harness.transport());
        FakeTransport again = harness.transport();

        server.open(again);

        assertEquals(CloseCode.OVERLOADED, again.awaitClose());
        FakeTransport other = harness.transport().from("/10.0.0.9:40000");
        Connection fromElsewhere = server.open(other);
        fromElsewhere.onText("{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
        other.awaitFrame(Welcome.class, welcome -> true);
        assertEquals(1L, server.counters().snapshot().get("connectionsRefused"));
    }

    @Test
    void theHostIsTheAddressWithoutItsPort() {
        assertEquals("10.0.3.7", host("/10.0.3.7:51234"));
        assertEquals("::1", host("[::1]:51234"));
        assertEquals("fe80::1", host("fe80::1"));
        assertEquals("fake", host("fake"));
        assertTrue(host("/127.0.0.1:1").startsWith("127."));
    }

    private static String host(String address) {
        return new FakeTransport().from(address).remoteHost();
    }
}
