package io.pushwire.server.ws;

import io.helidon.common.Weight;
import io.helidon.common.Weighted;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.microprofile.tyrus.TyrusUpgradeProvider;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.websocket.WsConfig;
import io.pushwire.server.boot.PushwireRuntime;
import io.pushwire.server.core.HandshakeLimiter;
import jakarta.enterprise.inject.spi.CDI;
import io.helidon.common.socket.HelidonSocket;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Tyrus WebSocket upgrade, plus the {@code Sec-WebSocket-Protocol} response header, behind the
 * per-address handshake limit.
 *
 * <p>Before the upgrade, a browser's {@code Origin} is checked (403 when not allowed), then the core's
 * handshake limiter is asked; a refusal is answered with
 * {@code 429 Too Many Requests} and {@code Retry-After} (whole seconds, rounded up), with no session,
 * no Tyrus endpoint and no CDI work spent on it.
 *
 * <p>Helidon 4.2's Tyrus upgrader writes a fixed 101 response that drops the subprotocol Tyrus
 * negotiated, and a browser that asked for {@code pushwire.v1} then fails the handshake. This provider
 * wraps the connection's writer for the 101 only (see {@link HandshakeResponseWriter}); everything else
 * is Tyrus's. Registered in {@code META-INF/services} with a weight above both built-in websocket
 * providers, which also settles which of them serves {@code /ws} (the other answers 404).
 */
@Weight(Weighted.DEFAULT_WEIGHT + 100)
public class SubprotocolUpgradeProvider extends TyrusUpgradeProvider {
    @Override
    public Http1Upgrader create(WsConfig config, ProtocolConfigs configs) {
        Http1Upgrader tyrus = super.create(config, configs);
        return new Http1Upgrader() {
            @Override
            public String supportedProtocol() {
                return tyrus.supportedProtocol();
            }

            @Override
            public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
                refuseForeignOrigin(headers, ctx.isSecure());
                refuseOverTheLimit(ctx);
                // Left for the endpoint: Helidon runs the upgraded connection, and so @OnOpen, on this
                // connection's own (virtual) thread right after the upgrade returns.
                WatchedReader reader = new WatchedReader(ctx.dataReader());
                UPGRADING.set(new Upgraded(ctx.serverSocket(), reader));
                try {
                    ServerConnection upgraded = tyrus.upgrade(
                            new UpgradedContext(ctx, HandshakeResponseWriter.writerFor(ctx, headers), reader), prologue, headers);
                    if (upgraded == null) {
                        UPGRADING.remove();
                    }
                    return upgraded;
                } catch (RuntimeException | Error e) {
                    UPGRADING.remove();
                    throw e;
                }
            }
        };
    }

    /**
     * What the endpoint's {@code @OnOpen} takes from the upgrade that ran on its thread: the socket, since
     * Jakarta WebSocket has no way to drop a connection without the close handshake, and a peer that
     * stopped reading (or never answers a close) needs exactly that; and the reader, which tells a
     * connection lost without a close frame from one the peer closed.
     */
    record Upgraded(HelidonSocket socket, WatchedReader reader) {
    }

    private static final ThreadLocal<Upgraded> UPGRADING = new ThreadLocal<>();

    /** Takes what the upgrade of the connection being opened on this thread left, if it ran here. */
    static Optional<Upgraded> takeUpgraded() {
        Upgraded upgraded = UPGRADING.get();
        UPGRADING.remove();
        return Optional.ofNullable(upgraded);
    }

    /** Throws the 403 when a browser page from another site tries to connect (see the core's OriginPolicy). */
    private static void refuseForeignOrigin(WritableHeaders<?> headers, boolean secure) {
        String origin = headers.first(HeaderNames.ORIGIN).orElse(null);
        String host = headers.first(HeaderNames.HOST).orElse(null);
        if (!runtime().server().admitOrigin(origin, host, secure)) {
            throw RequestException.builder()
                    .type(DirectHandler.EventType.FORBIDDEN)
                    .status(Status.FORBIDDEN_403)
                    .message("origin '" + origin + "' may not open a WebSocket here (pushwire.security.allowed-origins)")
                    .safeMessage(true)
                    .build();
        }
    }

    /** Throws the 429 when the remote address is over its handshake rate. */
    private static void refuseOverTheLimit(ConnectionContext ctx) {
        String address = ctx.remotePeer().address() instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() : String.valueOf(ctx.remotePeer().address());
        if (runtime().server().isDraining()) {
            throw refusal(Status.SERVICE_UNAVAILABLE_503, 1, "server is shutting down; reconnect elsewhere or retry");
        }
        HandshakeLimiter.Decision decision = runtime().server().admitHandshake(address);
        if (decision.allowed()) {
            return;
        }
        long retryAfterSeconds = (decision.retryAfterMs() + 999) / 1000;
        throw refusal(Status.TOO_MANY_REQUESTS_429, retryAfterSeconds,
                "too many WebSocket handshakes from " + address + "; retry after " + retryAfterSeconds + " s");
    }

    /** An HTTP answer to the upgrade request, in place of the upgrade, with {@code Retry-After}. */
    private static RequestException refusal(Status status, long retryAfterSeconds, String message) {
        return RequestException.builder()
                .type(DirectHandler.EventType.OTHER)
                .status(status)
                .header(HeaderValues.create(HeaderNames.RETRY_AFTER, retryAfterSeconds))
                .message(message)
                .safeMessage(true)
                .build();
    }

    /**
     * The application's runtime bean. This provider is created by the web server's service loader, not
     * by CDI, so it looks the bean up once the container runs.
     */
    private static PushwireRuntime runtime() {
        PushwireRuntime runtime = RUNTIME.get();
        if (runtime == null) {
            runtime = CDI.current().select(PushwireRuntime.class).get();
            RUNTIME.compareAndSet(null, runtime);
        }
        return runtime;
    }

    private static final AtomicReference<PushwireRuntime> RUNTIME = new AtomicReference<>();
}
