package io.pushwire.server.core;

import io.pushwire.server.broker.HistorySettings;

/**
 * Settings of the push core, immutable. Defaults here are the documented defaults (README table); the
 * framework adapter fills the builder from {@code pushwire.*} configuration.
 */
public final class ServerConfig {
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
        this.helloTimeoutMs = positive("hello.timeout-ms", builder.helloTimeoutMs);
        this.heartbeatIntervalMs = positive("heartbeat.interval-ms", builder.heartbeatIntervalMs);
        this.heartbeatTimeoutMs = positive("heartbeat.timeout-ms", builder.heartbeatTimeoutMs);
        this.inboundRatePerSec = (int) positive("limits.inbound.rate", builder.inboundRatePerSec);
        this.inboundBurst = (int) positive("limits.inbound.burst", builder.inboundBurst);
        this.abuseFactor = (int) positive("limits.inbound.abuse-factor", builder.abuseFactor);
        this.handshakesPerSecond = Math.toIntExact(positive("limits.handshakes-per-second", builder.handshakesPerSecond));
        this.maxFrameBytes = (int) positive("limits.max-frame-bytes", builder.maxFrameBytes);
        this.maxRejectedFrames = (int) positive("limits.max-rejected-frames", builder.maxRejectedFrames);
        this.sessionTtlMs = positive("session.ttl-ms", builder.sessionTtlMs);
        this.maxPendingMe = Math.toIntExact(positive("session.max-pending-me", builder.maxPendingMe));
        this.drainSpreadMs = positive("drain.spread-ms", builder.drainSpreadMs);
        this.drainGraceMs = positive("drain.grace-ms", builder.drainGraceMs);
        this.closeTimeoutMs = positive("close.timeout-ms", builder.closeTimeoutMs);
        this.outbound = new OutboundSettings(builder.maxBatchFrames, builder.maxBatchBytes, builder.maxQueueBytes);
        this.history = new HistorySettings(Math.toIntExact(positive("history.size", builder.historySize)),
                positive("history.ttl-ms", builder.historyTtlMs));
        this.channels = builder.channels;
        this.maxSubscriptions = Math.toIntExact(positive("limits.max-subscriptions", builder.maxSubscriptions));
        this.maxChannels = Math.toIntExact(positive("limits.max-channels", builder.maxChannels));
        this.maxConnections = Math.toIntExact(positive("limits.max-connections", builder.maxConnections));
        this.maxConnectionsPerAddress = Math.toIntExact(positive("limits.max-connections-per-address",
                builder.maxConnectionsPerAddress));
        this.origins = builder.origins;
        this.authenticator = builder.authenticator;
        this.authGraceMs = positive("auth.grace-ms", builder.authGraceMs);
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

    private static long positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException("pushwire." + key + " must be > 0, got " + value);
        }
        return value;
    }

    /** Builds a {@link ServerConfig}; every setting starts at its documented default. */
    public static final class Builder {
        private long helloTimeoutMs = 5_000;
        private long heartbeatIntervalMs = 25_000;
        private long heartbeatTimeoutMs = 10_000;
        private long inboundRatePerSec = 50;
        private long inboundBurst = 100;
        private long abuseFactor = 10;
        private long handshakesPerSecond = 20;
        private long maxFrameBytes = 65_536;
        private long maxRejectedFrames = 20;
        private long sessionTtlMs = 120_000;
        private long maxPendingMe = 1_000;
        private long drainSpreadMs = 5_000;
        private long drainGraceMs = 6_000;
        private long closeTimeoutMs = 5_000;
        private int maxBatchFrames = 64;
        private int maxBatchBytes = 65_536;
        private long maxQueueBytes = 1_048_576;
        private long historySize = 1_000;
        private long historyTtlMs = 300_000;
        private ChannelRules channels = ChannelRules.defaults();
        private OriginPolicy origins = new OriginPolicy(OriginPolicy.DEFAULT);
        private long maxSubscriptions = 1_000;
        private long maxChannels = 100_000;
        private Authenticator authenticator = Authenticator.NONE;
        private long authGraceMs = 25_000;
        /** Below the ~20,000 open files a process gets here, leaving room for everything else. */
        private long maxConnections = 18_000;
        private long maxConnectionsPerAddress = 2_000;

        private Builder() {
        }

        public Builder helloTimeoutMs(long value) {
            this.helloTimeoutMs = value;
            return this;
        }

        public Builder heartbeatIntervalMs(long value) {
            this.heartbeatIntervalMs = value;
            return this;
        }

        public Builder heartbeatTimeoutMs(long value) {
            this.heartbeatTimeoutMs = value;
            return this;
        }

        public Builder inboundRatePerSec(long value) {
            this.inboundRatePerSec = value;
            return this;
        }

        public Builder inboundBurst(long value) {
            this.inboundBurst = value;
            return this;
        }

        public Builder abuseFactor(long value) {
            this.abuseFactor = value;
            return this;
        }

        public Builder handshakesPerSecond(long value) {
            this.handshakesPerSecond = value;
            return this;
        }

        public Builder maxFrameBytes(long value) {
            this.maxFrameBytes = value;
            return this;
        }

        public Builder maxRejectedFrames(long value) {
            this.maxRejectedFrames = value;
            return this;
        }

        public Builder sessionTtlMs(long value) {
            this.sessionTtlMs = value;
            return this;
        }

        public Builder maxPendingMe(long value) {
            this.maxPendingMe = value;
            return this;
        }

        public Builder drainSpreadMs(long value) {
            this.drainSpreadMs = value;
            return this;
        }

        public Builder closeTimeoutMs(long value) {
            this.closeTimeoutMs = value;
            return this;
        }

        public Builder drainGraceMs(long value) {
            this.drainGraceMs = value;
            return this;
        }

        public Builder maxBatchFrames(int value) {
            this.maxBatchFrames = value;
            return this;
        }

        public Builder maxBatchBytes(int value) {
            this.maxBatchBytes = value;
            return this;
        }

        public Builder maxQueueBytes(long value) {
            this.maxQueueBytes = value;
            return this;
        }

        public Builder historySize(long value) {
            this.historySize = value;
            return this;
        }

        public Builder historyTtlMs(long value) {
            this.historyTtlMs = value;
            return this;
        }

        public Builder channels(ChannelRules value) {
            this.channels = java.util.Objects.requireNonNull(value, "channels");
            return this;
        }

        public Builder authenticator(Authenticator value) {
            this.authenticator = java.util.Objects.requireNonNull(value, "authenticator");
            return this;
        }

        public Builder authGraceMs(long value) {
            this.authGraceMs = value;
            return this;
        }

        public Builder maxConnections(long value) {
            this.maxConnections = value;
            return this;
        }

        public Builder maxConnectionsPerAddress(long value) {
            this.maxConnectionsPerAddress = value;
            return this;
        }

        public Builder maxSubscriptions(long value) {
            this.maxSubscriptions = value;
            return this;
        }

        public Builder maxChannels(long value) {
            this.maxChannels = value;
            return this;
        }

        public Builder origins(OriginPolicy value) {
            this.origins = java.util.Objects.requireNonNull(value, "origins");
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(this);
        }
    }
}
