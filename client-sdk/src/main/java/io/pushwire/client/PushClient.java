package io.pushwire.client;

import io.pushwire.client.internal.ClientCore;
import io.pushwire.client.internal.JdkWebSocketTransport;
import io.pushwire.client.internal.TransportFactory;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Subscribed;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A client of a Pushwire server ({@code ws://host:port/ws}).
 *
 * <pre>{@code
 * try (PushClient client = PushClient.builder(URI.create("ws://localhost:8080/ws")).build()) {
 *     client.subscribe("sim.trades.BTC-USDT", event -> System.out.println(event.data()));
 *     client.connect().join();
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Methods may be called from any thread and never block on the network (except
 * {@link #close()}, briefly). Every callback, {@link EventHandler}s and the {@link PushListener}, runs on
 * the client's single event thread {@code pushwire-client-N}, in the order the server sent the frames:
 * events of a channel arrive in seq order, each at most once.
 *
 * <p><b>Lifecycle.</b> {@link ClientState#DISCONNECTED} until {@link #connect()}, then
 * {@link ClientState#CONNECTING} and {@link ClientState#CONNECTED} once the server's {@code welcome}
 * arrives. A lost connection returns to {@code DISCONNECTED}; {@link #close()} ends in
 * {@link ClientState#CLOSED}. Subscriptions belong to the client, not to one connection: they are sent
 * when a connection opens.
 */
public final class PushClient implements AutoCloseable {
    private final ClientCore core;

    private PushClient(Builder builder) {
        TransportFactory transports = builder.transports != null ? builder.transports
                : JdkWebSocketTransport.factory(HttpClient.newBuilder().connectTimeout(builder.connectTimeout).build());
        this.core = new ClientCore(builder.uri, builder.connectTimeout, builder.listener, transports, new FrameCodec());
    }

    /** Starts building a client for a server endpoint such as {@code ws://localhost:8080/ws}. */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /**
     * Opens the connection and says hello. Completes when the server's {@code welcome} arrives, or
     * exceptionally with a {@link PushClientException} if the connection fails first. Calling it while
     * connecting returns the same attempt; while connected, a completed future.
     */
    public CompletableFuture<Void> connect() {
        return core.connect();
    }

    /**
     * Subscribes {@code handler} to a channel, replacing any earlier handler for it. Works in any state
     * but {@code CLOSED}: the subscribe is sent now if connected, else when the connection opens.
     * Completes with the server's {@code subscribed} reply, or exceptionally with the server's error
     * ({@code unknown_channel}, {@code forbidden}, ...) or when the connection is lost first.
     *
     * @throws IllegalArgumentException if the channel name is not valid
     */
    public CompletableFuture<Subscribed> subscribe(String channel, EventHandler handler) {
        return core.subscribe(channel, Objects.requireNonNull(handler, "handler"));
    }

    /** Stops a subscription; no event of it reaches the handler after this call is processed. */
    public CompletableFuture<Void> unsubscribe(String channel) {
        return core.unsubscribe(channel);
    }

    /** The current state. */
    public ClientState state() {
        return core.state();
    }

    /** The session's client id from the last {@code welcome}, or {@code null} before the first. */
    public String clientId() {
        return core.clientId();
    }

    /** Closes the connection with 1000 and stops the event thread. The client cannot be reused. */
    @Override
    public void close() {
        core.close();
    }

    /** Builds a {@link PushClient}. */
    public static final class Builder {
        private final URI uri;
        private PushListener listener = new PushListener() { };
        private Duration connectTimeout = Duration.ofSeconds(10);
        private TransportFactory transports;

        private Builder(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme();
            if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("a Pushwire URI is ws:// or wss://, got " + uri);
            }
        }

        /** Connection-level callbacks; by default none. */
        public Builder listener(PushListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Longest a WebSocket handshake may take; default 10 seconds. */
        public Builder connectTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connect timeout must be positive: " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /** Replaces the WebSocket transport; for tests with an in-process fake server. */
        Builder transports(TransportFactory transports) {
            this.transports = transports;
            return this;
        }

        public PushClient build() {
            return new PushClient(this);
        }
    }
}
