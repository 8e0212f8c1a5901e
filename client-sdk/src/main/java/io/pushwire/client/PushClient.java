package io.pushwire.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.client.internal.ClientConfig;
import io.pushwire.client.internal.ClientCore;
import io.pushwire.client.internal.JdkWebSocketTransport;
import io.pushwire.client.internal.Scheduler;
import io.pushwire.client.internal.TransportFactory;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Subscribed;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * A client of a Pushwire server ({@code ws://host:port/ws}) that stays connected: it reconnects with
 * backoff, resumes its session, restores its subscriptions and hands each event to the application once,
 * in order.
 *
 * <pre>{@code
 * try (PushClient client = PushClient.builder(URI.create("ws://localhost:8080/ws"))
 *         .tokenSupplier(auth::currentToken)
 *         .listener(new PushListener() { ... })
 *         .build()) {
 *     client.subscribe("sim.trades.BTC-USDT", event -> System.out.println(event.data()));
 *     client.connect().get(10, TimeUnit.SECONDS);
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Methods may be called from any thread and never block on the network (except
 * {@link #close()}, briefly). Every callback, {@link EventHandler}s and the {@link PushListener}, runs on
 * the client's single event thread {@code pushwire-client-N}, in the order the server sent the frames; the
 * futures returned here are completed on that thread too (do not block in stages chained to them).
 *
 * <p><b>Lifecycle.</b> See {@link ClientState}. After {@link #connect()} the client keeps a connection:
 * every non-terminal close or failure is followed by a reconnect after an exponential backoff with full
 * jitter, honouring the server's {@code Retry-After}, {@code retryAfterMs} and {@code goaway}. Terminal
 * close codes stop it ({@link PushListener#onStopped}). {@link #close()} ends it for good.
 *
 * <p><b>Delivery.</b> Subscriptions belong to the client, not to a connection: subscribe once and the
 * client resumes (or re-subscribes with {@code since}) after every reconnect. Events of a channel reach
 * the handler in seq order and at most once per {@code (channel, seq)} within an epoch; what the server
 * cannot deliver is announced by {@link PushListener#onGap}.
 */
public final class PushClient implements AutoCloseable {
    private final ClientCore core;

    private PushClient(Builder builder) {
        TransportFactory transports = builder.transports != null ? builder.transports
                : JdkWebSocketTransport.factory(httpClient(builder));
        ClientConfig config = new ClientConfig(builder.uri, builder.connectTimeout, builder.token, builder.tokenSupplier,
                builder.tokenRefreshMargin, builder.initialDelay, builder.maxDelay, builder.multiplier,
                builder.maxReconnectAttempts, builder.stableAfter, builder.publishBufferSize, builder.listener,
                transports, builder.scheduler, builder.random != null ? builder.random : new Random());
        this.core = new ClientCore(config, new FrameCodec());
    }

    private static HttpClient httpClient(Builder builder) {
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(builder.connectTimeout);
        if (builder.sslContext != null) {
            http.sslContext(builder.sslContext);
        }
        return http.build();
    }

    /** Starts building a client for a server endpoint such as {@code ws://localhost:8080/ws}. */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /**
     * Starts connecting, and keeps reconnecting until connected. Completes when a {@code welcome}
     * arrives, or exceptionally with a {@link PushClientException} when the client stops (terminal close
     * code, refused token, reconnect limit) or is closed first. Calling it while connecting returns the
     * same attempt; while connected, a completed future; after the client stopped, it starts again with a
     * fresh backoff.
     */
    public CompletableFuture<Void> connect() {
        return core.connect();
    }

    /**
     * Subscribes {@code handler} to a channel, replacing any earlier handler for it (the position in the
     * channel is kept, so the switch loses and repeats nothing). Works in any state but {@code CLOSED}:
     * the subscribe is sent now if connected, else when the connection opens, and again after every
     * reconnect the server's session did not keep. Completes with the server's first {@code subscribed},
     * or exceptionally with the server's refusal ({@code unknown_channel}, {@code forbidden}, ...), when
     * the client stops or closes first, or when replaced or unsubscribed before confirmation.
     *
     * @throws IllegalArgumentException if the channel name is not valid
     */
    public CompletableFuture<Subscribed> subscribe(String channel, EventHandler handler) {
        return core.subscribe(channel, Objects.requireNonNull(handler, "handler"));
    }

    /**
     * Stops a subscription; no event of it reaches the handler after this call is processed. Completes
     * when the server confirmed, at once when not connected (a resumed session that still holds the
     * channel is told on reconnect), or exceptionally with the server's error.
     */
    public CompletableFuture<Void> unsubscribe(String channel) {
        return core.unsubscribe(channel);
    }

    /**
     * Publishes {@code data} to a channel. Connected, the frame is written at once (publishes made in a
     * burst share one batch message); otherwise it waits in the publish buffer and is written, in order,
     * after the next {@code welcome}. The future completes when the frame was written to the connection.
     * Protocol v1 has no publish acknowledgement: a refusal by the server ({@code forbidden},
     * {@code rate_limited}) arrives later through {@link PushListener#onError}; after {@code rate_limited}
     * the client holds further publishes back for the {@code retryAfterMs} the server gave. A publish written
     * to a connection that then breaks may or may not have reached the server; it is not sent again.
     * The future fails when the frame exceeds the server's {@code maxFrameBytes}, or when the client stops
     * or closes before it was written.
     *
     * @throws PublishBufferFullException when {@link Builder#publishBufferSize(int)} publishes are unsent
     * @throws IllegalArgumentException   if the channel name is not valid
     */
    public CompletableFuture<Void> publish(String channel, JsonNode data) {
        return core.publish(channel, Objects.requireNonNull(data, "data"));
    }

    /** The current state. */
    public ClientState state() {
        return core.state();
    }

    /** The session's client id from the last {@code welcome}, or {@code null} before the first. */
    public String clientId() {
        return core.clientId();
    }

    /** A snapshot of counters and timings, cheap enough to poll from a metrics exporter. */
    public ClientStats stats() {
        return core.stats();
    }

    /** Closes the connection with 1000 and stops the event thread. The client cannot be reused. */
    @Override
    public void close() {
        core.close();
    }

    /** Builds a {@link PushClient}. Every option has a default; see {@code docs/SDK.md} for a table. */
    public static final class Builder {
        private final URI uri;
        private PushListener listener = new PushListener() { };
        private Duration connectTimeout = Duration.ofSeconds(10);
        private String token;
        private Supplier<String> tokenSupplier;
        private Duration tokenRefreshMargin = Duration.ofSeconds(30);
        private Duration initialDelay = Duration.ofMillis(500);
        private Duration maxDelay = Duration.ofSeconds(30);
        private double multiplier = 2.0;
        private int maxReconnectAttempts = Integer.MAX_VALUE;
        private Duration stableAfter = Duration.ofSeconds(10);
        private int publishBufferSize = 1000;
        private SSLContext sslContext;
        private TransportFactory transports;
        private Scheduler scheduler;
        private Random random;

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

        /**
         * Longest one connection attempt may take, from asking the token supplier through the WebSocket
         * handshake to the server's {@code welcome}; default 10 seconds. A slower attempt counts as failed.
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connect timeout");
            return this;
        }

        /**
         * A fixed auth token sent in every {@code hello}. A 4401 close is then terminal: the client cannot
         * get another token. Replaces a {@link #tokenSupplier}.
         */
        public Builder token(String token) {
            this.token = Objects.requireNonNull(token, "token");
            this.tokenSupplier = null;
            return this;
        }

        /**
         * Asked for a token before every connection attempt (so expired credentials are replaced) and,
         * when the token is a JWT with {@code exp}, {@link #tokenRefreshMargin} before it expires, to send
         * {@code refresh}. Called on a thread of its own (it may block, within {@link #connectTimeout});
         * may return {@code null} for no token. With a supplier a 4401 close reconnects once with a fresh
         * token; a second 4401 in a row is terminal. Replaces a fixed {@link #token}.
         */
        public Builder tokenSupplier(Supplier<String> supplier) {
            this.tokenSupplier = Objects.requireNonNull(supplier, "supplier");
            this.token = null;
            return this;
        }

        /** How long before a JWT's {@code exp} to refresh it (at the latest at half its remaining life); default 30 s. */
        public Builder tokenRefreshMargin(Duration margin) {
            this.tokenRefreshMargin = nonNegative(margin, "token refresh margin");
            return this;
        }

        /** Upper bound of the first reconnect delay (full jitter: the delay is uniform below it); default 500 ms. */
        public Builder reconnectInitialDelay(Duration delay) {
            this.initialDelay = nonNegative(delay, "reconnect initial delay");
            return this;
        }

        /** Cap of the reconnect delay window, and the least wait after 4429; default 30 s. */
        public Builder reconnectMaxDelay(Duration delay) {
            this.maxDelay = positive(delay, "reconnect max delay");
            return this;
        }

        /** Growth of the delay window per failed attempt; default 2. */
        public Builder reconnectMultiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("reconnect multiplier must be a finite number >= 1: " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /**
         * Consecutive reconnect attempts (since the last stable connection) before the client stops;
         * default unlimited ({@link Integer#MAX_VALUE}); 0 turns reconnecting off.
         */
        public Builder maxReconnectAttempts(int attempts) {
            if (attempts < 0) {
                throw new IllegalArgumentException("max reconnect attempts must be >= 0: " + attempts);
            }
            this.maxReconnectAttempts = attempts;
            return this;
        }

        /** A connection that stays up this long resets the reconnect attempt counter; default 10 s. */
        public Builder stableConnectionAfter(Duration duration) {
            this.stableAfter = nonNegative(duration, "stable connection duration");
            return this;
        }

        /** Most publishes kept while disconnected (or held back by a rate limit); default 1000. */
        public Builder publishBufferSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("publish buffer size must be >= 1: " + size);
            }
            this.publishBufferSize = size;
            return this;
        }

        /**
         * The TLS context of {@code wss://} connections: its trust managers decide which server
         * certificates are accepted (and its key managers, if any, present a client certificate). By default
         * the JDK's, which trusts the JDK's CA certificates (or {@code javax.net.ssl.trustStore}). Use it for a
         * private CA or a self-signed server certificate; the host name is still checked against the
         * certificate.
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /** Replaces the WebSocket transport; for tests with an in-process fake server. */
        Builder transports(TransportFactory transports) {
            this.transports = transports;
            return this;
        }

        /** Replaces the clocks and timers; for tests that move time by hand. */
        Builder scheduler(Scheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** Replaces the jitter source; for deterministic tests. */
        Builder random(Random random) {
            this.random = random;
            return this;
        }

        public PushClient build() {
            if (maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("reconnect max delay " + maxDelay + " is below the initial delay "
                        + initialDelay);
            }
            return new PushClient(this);
        }

        private static Duration positive(Duration value, String what) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + value);
            }
            return value;
        }

        private static Duration nonNegative(Duration value, String what) {
            if (value.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative: " + value);
            }
            return value;
        }
    }
}
