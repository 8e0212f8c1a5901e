package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiAccessTest {
    private final ApiAccess protectedMode = ApiAccess.of(false, false);

    @Test
    void withoutATokenLoopbackCallersAreAnswered() throws Exception {
        for (String loopback : new String[] {"127.0.0.1", "127.8.9.10", "::1", "0:0:0:0:0:0:0:1"}) {
            assertEquals(Optional.empty(), protectedMode.refusal(InetAddress.getByName(loopback), false), loopback);
        }
    }

    @Test
    void withoutATokenOtherCallersAreRefusedWithAMessageNamingTheToken() throws Exception {
        for (String remote : new String[] {"10.0.0.7", "192.168.1.20", "8.8.8.8", "fe80::1", "2001:db8::5", "0.0.0.0"}) {
            Optional<String> refusal = protectedMode.refusal(InetAddress.getByName(remote), false);
            assertTrue(refusal.isPresent(), remote);
            assertTrue(refusal.get().contains("pushwire.admin.token"), refusal.get());
            assertTrue(refusal.get().contains("pushwire.admin.allow-remote-without-token"), refusal.get());
        }
    }

    @Test
    void ipv4MappedIpv6AddressesAreJudgedByTheirIpv4Address() throws Exception {
        InetAddress mappedLoopback = mapped(127, 0, 0, 1);
        InetAddress mappedRemote = mapped(10, 1, 2, 3);
        assertTrue(mappedLoopback instanceof Inet6Address, "a real IPv6 address, as a dual-stack socket may give");
        assertFalse(mappedLoopback.isLoopbackAddress(), "which the JDK itself does not call loopback");

        assertEquals(Optional.empty(), protectedMode.refusal(mappedLoopback, false));
        assertTrue(protectedMode.refusal(mappedRemote, false).isPresent());
        assertTrue(protectedMode.refusal(InetAddress.getByName("::ffff:10.1.2.3"), false).isPresent(), "as the JDK parses it");
        assertEquals(Optional.empty(), protectedMode.refusal(InetAddress.getByName("::ffff:127.0.0.1"), false));
    }

    @Test
    void aRequestAProxyForwardedIsNotThisHostsEvenFromLoopback() throws Exception {
        Optional<String> refusal = protectedMode.refusal(InetAddress.getByName("127.0.0.1"), true);
        assertTrue(refusal.isPresent(), "a proxy on this host would make every caller look local");
        assertTrue(refusal.get().contains("through a proxy") && refusal.get().contains("pushwire.admin.token"), refusal.get());
        assertEquals(Optional.empty(), ApiAccess.of(true, false).refusal(InetAddress.getByName("127.0.0.1"), true),
                "with a token, the token decides");
        assertEquals(Optional.empty(), ApiAccess.of(false, true).refusal(InetAddress.getByName("127.0.0.1"), true));
    }

    @Test
    void aCallerWithoutAnAddressIsRefusedOnlyInProtectedMode() {
        assertTrue(protectedMode.refusal(null, false).isPresent());
        assertEquals(Optional.empty(), ApiAccess.of(true, false).refusal(null, false));
        assertEquals(Optional.empty(), ApiAccess.of(false, true).refusal(null, false));
    }

    @Test
    void aTokenOrTheOptOutLetsEveryoneThrough() throws Exception {
        InetAddress remote = InetAddress.getByName("203.0.113.9");
        assertEquals(ApiAccess.Mode.TOKEN, ApiAccess.of(true, false).mode());
        assertEquals(Optional.empty(), ApiAccess.of(true, false).refusal(remote, false), "the token is checked next");
        assertEquals(ApiAccess.Mode.OPEN, ApiAccess.of(false, true).mode());
        assertEquals(Optional.empty(), ApiAccess.of(false, true).refusal(remote, false));
        assertEquals(ApiAccess.Mode.TOKEN, ApiAccess.of(true, true).mode(), "a token wins over the opt-out");
    }

    @Test
    void theStartupWarningSaysWhatIsOpenToWhomWhenListeningBeyondLoopback() {
        assertEquals(Optional.of("listening on 0.0.0.0:8080: WebSocket clients, /health and /metrics are open to the"
                        + " network; the HTTP API (/api) answers only loopback callers until pushwire.admin.token is set"),
                protectedMode.startupWarning("0.0.0.0", 8080));
        assertEquals(Optional.of("pushwire.admin.allow-remote-without-token=true: anyone who reaches 10.0.0.5:8080 may"
                        + " publish to any channel, push to any session and read stats and sessions over /api, with no token"),
                ApiAccess.of(false, true).startupWarning("10.0.0.5", 8080));
        assertEquals(Optional.empty(), protectedMode.startupWarning("127.0.0.1", 8080), "loopback only: nothing is open");
        assertEquals(Optional.empty(), protectedMode.startupWarning("::1", 8080));
        assertEquals(Optional.empty(), ApiAccess.of(true, false).startupWarning("0.0.0.0", 8080), "a token guards it");
    }

    private static InetAddress mapped(int a, int b, int c, int d) throws Exception {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        bytes[12] = (byte) a;
        bytes[13] = (byte) b;
        bytes[14] = (byte) c;
        bytes[15] = (byte) d;
        return Inet6Address.getByAddress(null, bytes, -1);
    }
}
