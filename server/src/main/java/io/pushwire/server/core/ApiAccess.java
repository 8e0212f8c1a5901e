package io.pushwire.server.core;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Who may call the HTTP API ({@code /api}: publish, {@code $me} push, stats, sessions) before the admin
 * token is even looked at. Secure by default, as Redis's protected mode is: while
 * {@code pushwire.admin.token} is not set, only loopback callers are answered, since anyone else who can
 * reach the port could otherwise publish as the application. With a token, everyone may try (and needs
 * the token); {@code pushwire.admin.allow-remote-without-token=true} opens the API without one, for
 * deployments whose own gateway guards it. WebSocket clients, health and metrics are not concerned.
 */
public final class ApiAccess {
    public static final String TOKEN_KEY = "pushwire.admin.token";
    public static final String OPT_OUT_KEY = "pushwire.admin.allow-remote-without-token";

    /** How the API is exposed. */
    public enum Mode {
        /** A token is set: any caller, with the token. */
        TOKEN,
        /** No token: loopback callers only. */
        LOOPBACK_ONLY,
        /** No token and the opt-out set: any caller, without a token. */
        OPEN
    }

    private final Mode mode;

    private ApiAccess(Mode mode) {
        this.mode = mode;
    }

    public static ApiAccess of(boolean tokenSet, boolean allowRemoteWithoutToken) {
        return new ApiAccess(tokenSet ? Mode.TOKEN : allowRemoteWithoutToken ? Mode.OPEN : Mode.LOOPBACK_ONLY);
    }

    public Mode mode() {
        return mode;
    }

    /**
     * Why {@code caller} is refused (answered with 403), or empty when it may go on to the API. A request
     * that a proxy forwarded ({@code forwarded}: it carries {@code Forwarded}, {@code X-Forwarded-For} or
     * {@code X-Real-IP}) is not this host's, whatever address the proxy on this host connects from.
     */
    public Optional<String> refusal(InetAddress caller, boolean forwarded) {
        if (mode != Mode.LOOPBACK_ONLY || (caller != null && isLoopback(caller) && !forwarded)) {
            return Optional.empty();
        }
        if (forwarded) {
            return Optional.of("the HTTP API answers only callers on this host while " + TOKEN_KEY + " is not set, and"
                    + " this request came through a proxy: set " + TOKEN_KEY + " (then send 'Authorization: Bearer"
                    + " <token>'), or " + OPT_OUT_KEY + "=true if the proxy guards the API itself");
        }
        return Optional.of("the HTTP API answers only loopback callers while " + TOKEN_KEY + " is not set: set "
                + TOKEN_KEY + " (then send 'Authorization: Bearer <token>'), or " + OPT_OUT_KEY
                + "=true if a gateway of your own guards this port");
    }

    /**
     * The one start-up line that says what is open to whom, when the server listens on {@code host}
     * beyond loopback and the API is not behind a token; empty otherwise.
     */
    public Optional<String> startupWarning(String host, int port) {
        if (mode == Mode.TOKEN || listensOnLoopbackOnly(host)) {
            return Optional.empty();
        }
        String where = host + ":" + port;
        if (mode == Mode.OPEN) {
            return Optional.of(OPT_OUT_KEY + "=true: anyone who reaches " + where + " may publish to any channel, push to"
                    + " any session and read stats and sessions over /api, with no token");
        }
        return Optional.of("listening on " + where + ": WebSocket clients, /health and /metrics are open to the network;"
                + " the HTTP API (/api) answers only loopback callers until " + TOKEN_KEY + " is set");
    }

    /**
     * Whether {@code address} is this host's loopback: 127.0.0.0/8, {@code ::1}, or either written as an
     * IPv4-mapped IPv6 address ({@code ::ffff:127.0.0.1}), which a dual-stack socket reports for IPv4 peers.
     */
    static boolean isLoopback(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return true;
        }
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            if (isIpv4Mapped(bytes)) {
                try {
                    return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16)).isLoopbackAddress();
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("4 bytes are always an IPv4 address", e);
                }
            }
        }
        return false;
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    /** Whether the listening {@code host} (an address or a name, resolved) is a loopback address. */
    private static boolean listensOnLoopbackOnly(String host) {
        try {
            return isLoopback(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
