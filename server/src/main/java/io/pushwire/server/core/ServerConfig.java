package io.pushwire.server.core;

import io.pushwire.server.broker.HistorySettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the push core, immutable. Each {@code pushwire.*} key the core takes is a {@link Setting}
 * below, which holds its default and its check; the framework adapter fills the builder from
 * configuration, and a test holds the README's table to the same keys and defaults.
 */
public final class ServerConfig {
    public static final Setting<Long> HISTORY_SIZE = Setting.positive("pushwire.history.size", 1_000,
            "events kept per channel for replay");
    public static final Setting<Long> HISTORY_TTL_MS = Setting.positive("pushwire.history.ttl-ms", 300_000,
            "longest an event is kept for replay");
    public static final Setting<Long> HELLO_TIMEOUT_MS = Setting.positive("pushwire.hello.timeout-ms", 5_000,
            "a connection must send hello within this, else close 4400");
    public static final Setting<Long> HEARTBEAT_INTERVAL_MS = Setting.positive("pushwire.heartbeat.interval-ms", 25_000,
            "the server pings a client silent (or a connection idle) this long");
    public static final Setting<Long> HEARTBEAT_TIMEOUT_MS = Setting.positive("pushwire.heartbeat.timeout-ms", 10_000,
            "a client silent for interval + timeout is closed with 4000");
    public static final Setting<Long> INBOUND_RATE = Setting.positive("pushwire.limits.inbound.rate", 50,
            "inbound frames per second per connection");
    public static final Setting<Long> INBOUND_BURST = Setting.positive("pushwire.limits.inbound.burst", 100,
            "inbound frames allowed at once before the rate applies");
    public static final Setting<Long> ABUSE_FACTOR = Setting.positive("pushwire.limits.inbound.abuse-factor", 10,
            "a client sending more than this many times the rate is closed with 4429");
    public static final Setting<Long> HANDSHAKES_PER_SECOND = Setting.positive("pushwire.limits.handshakes-per-second",
            20, "WebSocket handshakes per second per remote address; more get HTTP 429");
    public static final Setting<Long> MAX_FRAME_BYTES = Setting.positive("pushwire.limits.max-frame-bytes", 65_536,
            "largest inbound message in UTF-8 bytes; larger closes with 1009");
    public static final Setting<Long> MAX_REJECTED_FRAMES = Setting.positive("pushwire.limits.max-rejected-frames", 20,
            "malformed or refused frames a connection may send before close 4400");
    /**
     * The server's runtime draws the default from the open-file limit ({@link ConnectionBudget}); 18,000 is
     * what a process here, with its ~20,000 open files, gets, and what the core takes without a runtime.
     */
    public static final Setting<Long> MAX_CONNECTIONS = Setting.computed("pushwire.limits.max-connections", 18_000L,
            "server.max-tcp-connections - 128", "open connections the server holds; more are closed with 4002")
            .checkedBy(Setting.POSITIVE);
    public static final Setting<Long> MAX_CONNECTIONS_PER_ADDRESS = Setting.positive(
            "pushwire.limits.max-connections-per-address", 2_000,
            "open connections one remote host may hold; more are closed with 4002");
    public static final Setting<Long> MAX_SUBSCRIPTIONS = Setting.positive("pushwire.limits.max-subscriptions", 1_000,
            "channels one session may be subscribed to at once, $me included");
    public static final Setting<Long> MAX_CHANNELS = Setting.positive("pushwire.limits.max-channels", 100_000,
            "channels that clients and the HTTP API may have created");
    public static final Setting<Long> SESSION_TTL_MS = Setting.positive("pushwire.session.ttl-ms", 120_000,
            "how long a session is kept after its connection drops, for a resume");
    public static final Setting<Long> MAX_PENDING_ME = Setting.positive("pushwire.session.max-pending-me", 1_000,
            "$me events kept per session for delivery on resume");
    public static final Setting<Long> DRAIN_SPREAD_MS = Setting.positive("pushwire.drain.spread-ms", 5_000,
            "on shutdown, clients get goaway with a random reconnect delay within this");
    public static final Setting<Long> CLOSE_TIMEOUT_MS = Setting.positive("pushwire.close.timeout-ms", 5_000,
            "a server-side close not completed within this drops the socket");
    public static final Setting<Long> DRAIN_GRACE_MS = Setting.positive("pushwire.drain.grace-ms", 6_000,
            "on shutdown, connections still open this long after goaway are closed with 1001");
    public static final Setting<Long> MAX_BATCH = Setting.positive("pushwire.outbound.max-batch", 64,
            "most frames the writer puts in one WebSocket message");
    public static final Setting<Long> MAX_BATCH_BYTES = Setting.positive("pushwire.outbound.max-batch-bytes", 65_536,
            "most JSON characters in one batched message");
    public static final Setting<Long> MAX_QUEUE_BYTES = Setting.positive("pushwire.outbound.max-queue-bytes", 1_048_576,
            "per-connection queue budget; over it the queue sheds, then closes with 4001");
    public static final Setting<Long> AUTH_GRACE_MS = Setting.positive("pushwire.auth.grace-ms", 25_000,
            "after error token_expired, how long a connection has to refresh before close 4401");
    /** Every numeric setting above, in the README's order: each one a {@link Builder#set} away from configuration. */
    public static final List<Setting<Long>> SETTINGS = List.of(HISTORY_SIZE, HISTORY_TTL_MS, HELLO_TIMEOUT_MS,
            HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS, INBOUND_RATE, INBOUND_BURST, ABUSE_FACTOR,
            HANDSHAKES_PER_SECOND, MAX_FRAME_BYTES, MAX_REJECTED_FRAMES, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ADDRESS,
            MAX_SUBSCRIPTIONS, MAX_CHANNELS, SESSION_TTL_MS, MAX_PENDING_ME, DRAIN_SPREAD_MS, CLOSE_TIMEOUT_MS,
            DRAIN_GRACE_MS, MAX_BATCH, MAX_BATCH_BYTES, MAX_QUEUE_BYTES, AUTH_GRACE_MS);

    /** {@code <pattern>=high|normal|low}, one key per pattern; the defaults are {@link ChannelRules#defaults()}. */
    public static final Setting<String> CHANNEL_PRIORITY = Setting.computed("pushwire.channels.priority.<pattern>",
            null, "ChannelRules.defaults()", "lane of the channels matching the pattern: high, normal or low");
    /** Patterns, comma-separated, or {@code none}; the default is {@link ChannelRules#defaults()}'s. */
    public static final Setting<List<String>> CONFLATABLE = Setting.computed("pushwire.channels.conflatable", null,
            "ChannelRules.defaults()", "channels whose newest event supersedes older ones");
    public static final Setting<List<String>> ALLOWED_ORIGINS = Setting.of("pushwire.security.allowed-origins",
            OriginPolicy.DEFAULT, "browser pages allowed to open a WebSocket, by their Origin");

    private final long helloTimeoutMs;
    private final long heartbeatIntervalMs;
    private final long heartbeatTimeoutMs;
    private final int inboundRatePerSec;
    private final int inboundBurst;
    private final int abuseFactor;
    private final int handshakesPerSecond;
    private final int maxFrameBytes;
    private final int maxRejectedFrames;
    private final int maxSubscriptions;
    private final int maxChannels;
    private final int maxConnections;
    private final int maxConnectionsPerAddress;
    private final long sessionTtlMs;
    private final int maxPendingMe;
    private final long drainSpreadMs;
    private final long drainGraceMs;
    private final long closeTimeoutMs;
    private final OutboundSettings outbound;
    private final HistorySettings history;
    private final ChannelRules channels;
    private final OriginPolicy origins;
    private final Authenticator authenticator;
    private final long authGraceMs;

    private ServerConfig(Builder builder) {
        this.helloTimeoutMs = builder.value(HELLO_TIMEOUT_MS);
        this.heartbeatIntervalMs = builder.value(HEARTBEAT_INTERVAL_MS);
        this.heartbeatTimeoutMs = builder.value(HEARTBEAT_TIMEOUT_MS);
        this.inboundRatePerSec = (int) builder.value(INBOUND_RATE);
        this.inboundBurst = (int) builder.value(INBOUND_BURST);
        this.abuseFactor = (int) builder.value(ABUSE_FACTOR);
        this.handshakesPerSecond = Math.toIntExact(builder.value(HANDSHAKES_PER_SECOND));
        this.maxFrameBytes = (int) builder.value(MAX_FRAME_BYTES);
        this.maxRejectedFrames = (int) builder.value(MAX_REJECTED_FRAMES);
        this.sessionTtlMs = builder.value(SESSION_TTL_MS);
        this.maxPendingMe = Math.toIntExact(builder.value(MAX_PENDING_ME));
        this.drainSpreadMs = builder.value(DRAIN_SPREAD_MS);
        this.drainGraceMs = builder.value(DRAIN_GRACE_MS);
        this.closeTimeoutMs = builder.value(CLOSE_TIMEOUT_MS);
        this.outbound = new OutboundSettings(Math.toIntExact(builder.value(MAX_BATCH)),
                Math.toIntExact(builder.value(MAX_BATCH_BYTES)), builder.value(MAX_QUEUE_BYTES));
        this.history = new HistorySettings(Math.toIntExact(builder.value(HISTORY_SIZE)), builder.value(HISTORY_TTL_MS));
        this.channels = builder.channels;
        this.maxSubscriptions = Math.toIntExact(builder.value(MAX_SUBSCRIPTIONS));
        this.maxChannels = Math.toIntExact(builder.value(MAX_CHANNELS));
        this.maxConnections = Math.toIntExact(builder.value(MAX_CONNECTIONS));
        this.maxConnectionsPerAddress = Math.toIntExact(builder.value(MAX_CONNECTIONS_PER_ADDRESS));
        this.origins = builder.origins;
        this.authenticator = builder.authenticator;
        this.authGraceMs = builder.value(AUTH_GRACE_MS);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Time a new connection has to send {@code hello} before it is closed with 4400. */
    public long helloTimeoutMs() {
        return helloTimeoutMs;
    }

    public long heartbeatIntervalMs() {
        return heartbeatIntervalMs;
    }

    public long heartbeatTimeoutMs() {
        return heartbeatTimeoutMs;
    }

    public int inboundRatePerSec() {
        return inboundRatePerSec;
    }

    public int inboundBurst() {
        return inboundBurst;
    }

    /** A client sending more than this many times the rate is flooding and is closed with 4429. */
    public int abuseFactor() {
        return abuseFactor;
    }

    /** WebSocket handshakes per second from one remote address; more are answered with HTTP 429. */
    public int handshakesPerSecond() {
        return handshakesPerSecond;
    }

    /** Largest inbound message, in UTF-8 bytes; larger ones close the connection with 1009. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** Rejected frames a connection may send before it is closed with 4400. */
    public int maxRejectedFrames() {
        return maxRejectedFrames;
    }

    /** How long a session is kept after its connection drops, for a resume. */
    public long sessionTtlMs() {
        return sessionTtlMs;
    }

    /** Most {@code $me} events kept per session for delivery on resume; older ones become a gap. */
    public int maxPendingMe() {
        return maxPendingMe;
    }

    /** On shutdown, clients are told to reconnect at a random moment within this window. */
    public long drainSpreadMs() {
        return drainSpreadMs;
    }

    /** How long a server-side close may take before the socket is dropped without the handshake. */
    public long closeTimeoutMs() {
        return closeTimeoutMs;
    }

    /** On shutdown, how long after {@code goaway} connections are closed with 1001. */
    public long drainGraceMs() {
        return drainGraceMs;
    }

    public OutboundSettings outbound() {
        return outbound;
    }

    /** How much of a session's {@code $me} is kept: its pending pushes, for as long as it may be resumed. */
    public HistorySettings inboxHistory() {
        return new HistorySettings(maxPendingMe(), sessionTtlMs());
    }

    /** How much of each channel is kept for replay. */
    public HistorySettings history() {
        return history;
    }

    /** Priorities and conflation of channels, by name pattern. */
    public ChannelRules channels() {
        return channels;
    }

    /** Subscriptions one session may hold at once ({@code $me} included). */
    public int maxSubscriptions() {
        return maxSubscriptions;
    }

    /** Most channels that clients and the HTTP API may have created at once (feeds' own are not counted). */
    public int maxChannels() {
        return maxChannels;
    }

    /** Open connections the server holds at most; more are closed with 4002. */
    public int maxConnections() {
        return maxConnections;
    }

    /** Open connections one peer host may hold; more are closed with 4002. */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /** Who a {@code hello.token} proves; {@link Authenticator#NONE} when authentication is off. */
    public Authenticator authenticator() {
        return authenticator;
    }

    /** After {@code token_expired}, how long a connection has to {@code refresh} before close 4401. */
    public long authGraceMs() {
        return authGraceMs;
    }

    /** Which browser origins may open a WebSocket. */
    public OriginPolicy origins() {
        return origins;
    }

    /** Builds a {@link ServerConfig}; every setting starts at its default. */
    public static final class Builder {
        /** The numeric settings given so far; the others keep their default. */
        private final Map<Setting<Long>, Long> values = new HashMap<>();
        private ChannelRules channels = ChannelRules.defaults();
        private OriginPolicy origins = new OriginPolicy(ALLOWED_ORIGINS.defaultValue());
        private Authenticator authenticator = Authenticator.NONE;

        private Builder() {
        }

        /** Sets one of {@link #SETTINGS}; the value is checked by {@link #build()}. */
        public Builder set(Setting<Long> setting, long value) {
            if (!SETTINGS.contains(setting)) {
                throw new IllegalArgumentException(setting + " is not a numeric setting of the core");
            }
            values.put(setting, value);
            return this;
        }

        private long value(Setting<Long> setting) {
            return setting.check(values.getOrDefault(setting, setting.defaultValue()));
        }

        public Builder helloTimeoutMs(long value) {
            return set(HELLO_TIMEOUT_MS, value);
        }

        public Builder heartbeatIntervalMs(long value) {
            return set(HEARTBEAT_INTERVAL_MS, value);
        }

        public Builder heartbeatTimeoutMs(long value) {
            return set(HEARTBEAT_TIMEOUT_MS, value);
        }

        public Builder inboundRatePerSec(long value) {
            return set(INBOUND_RATE, value);
        }

        public Builder inboundBurst(long value) {
            return set(INBOUND_BURST, value);
        }

        public Builder abuseFactor(long value) {
            return set(ABUSE_FACTOR, value);
        }

        public Builder handshakesPerSecond(long value) {
            return set(HANDSHAKES_PER_SECOND, value);
        }

        public Builder maxFrameBytes(long value) {
            return set(MAX_FRAME_BYTES, value);
        }

        public Builder maxRejectedFrames(long value) {
            return set(MAX_REJECTED_FRAMES, value);
        }

        public Builder sessionTtlMs(long value) {
            return set(SESSION_TTL_MS, value);
        }

        public Builder maxPendingMe(long value) {
            return set(MAX_PENDING_ME, value);
        }

        public Builder drainSpreadMs(long value) {
            return set(DRAIN_SPREAD_MS, value);
        }

        public Builder closeTimeoutMs(long value) {
            return set(CLOSE_TIMEOUT_MS, value);
        }

        public Builder drainGraceMs(long value) {
            return set(DRAIN_GRACE_MS, value);
        }

        public Builder maxBatchFrames(int value) {
            return set(MAX_BATCH, value);
        }

        public Builder maxBatchBytes(int value) {
            return set(MAX_BATCH_BYTES, value);
        }

        public Builder maxQueueBytes(long value) {
            return set(MAX_QUEUE_BYTES, value);
        }

        public Builder historySize(long value) {
            return set(HISTORY_SIZE, value);
        }

        public Builder historyTtlMs(long value) {
            return set(HISTORY_TTL_MS, value);
        }

        public Builder channels(ChannelRules value) {
            this.channels = Objects.requireNonNull(value, "channels");
            return this;
        }

        public Builder authenticator(Authenticator value) {
            this.authenticator = Objects.requireNonNull(value, "authenticator");
            return this;
        }

        public Builder authGraceMs(long value) {
            return set(AUTH_GRACE_MS, value);
        }

        public Builder maxConnections(long value) {
            return set(MAX_CONNECTIONS, value);
        }

        public Builder maxConnectionsPerAddress(long value) {
            return set(MAX_CONNECTIONS_PER_ADDRESS, value);
        }

        public Builder maxSubscriptions(long value) {
            return set(MAX_SUBSCRIPTIONS, value);
        }

        public Builder maxChannels(long value) {
            return set(MAX_CHANNELS, value);
        }

        public Builder origins(OriginPolicy value) {
            this.origins = Objects.requireNonNull(value, "origins");
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(this);
        }
    }
}
