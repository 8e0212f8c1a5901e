package io.pushwire.server.boot;

import io.pushwire.server.auth.JwtAuthenticator;
import io.pushwire.server.core.Authenticator;
import io.pushwire.server.core.ChannelRules;
import io.pushwire.server.core.ConnectionBudget;
import io.pushwire.server.core.OriginPolicy;
import io.pushwire.server.core.Lane;
import io.pushwire.server.core.ServerConfig;
import io.pushwire.server.broker.redis.RedisBrokerSettings;
import io.pushwire.server.core.Setting;
import io.pushwire.server.core.ApiAccess;
import io.pushwire.server.feed.SimulatedFeedConfig;
import io.pushwire.server.feed.upstream.Exchanges;
import io.pushwire.server.feed.upstream.UpstreamFeedConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.Config;

/**
 * Reads {@code pushwire.*} MicroProfile Config into the core's and the feeds' immutable settings, key by
 * key as their {@link Setting}s define them; an absent key keeps the setting's default. The settings of
 * authentication and of the HTTP API are defined here, where they are read.
 *
 * @param adminToken {@code pushwire.admin.token}, blank or absent when the HTTP API needs none
 * @param apiAccess who may call the HTTP API, from the token and {@code pushwire.admin.allow-remote-without-token}
 */
record PushwireSettings(ServerConfig server, BrokerSettings broker, SimulatedFeedConfig simulatedFeed,
                        List<UpstreamFeedConfig> exchangeFeeds, Optional<String> adminToken, ApiAccess apiAccess) {
    private static final System.Logger LOG = System.getLogger(PushwireSettings.class.getName());
    static final Setting<String> AUTH_MODE = Setting.of("pushwire.auth.mode", "none",
            "none: anonymous, read-only sessions; jwt: hello.token must be a JWT");
    static final Setting<String> JWT_SECRET = Setting.optional("pushwire.auth.jwt.secret",
            "HS256 shared secret, at least 32 bytes");
    static final Setting<String> JWT_PUBLIC_KEY = Setting.optional("pushwire.auth.jwt.public-key",
            "RS256 or ES256 public key: a PEM block, or the path of a file holding one");
    static final Setting<String> JWT_ISSUER = Setting.optional("pushwire.auth.jwt.issuer",
            "when set, tokens must carry this iss");
    static final Setting<String> JWT_AUDIENCE = Setting.optional("pushwire.auth.jwt.audience",
            "when set, tokens must carry this value in aud");
    static final Setting<String> ADMIN_TOKEN = Setting.optional(ApiAccess.TOKEN_KEY,
            "when set, the HTTP API needs Authorization: Bearer <token>");
    static final Setting<Boolean> ALLOW_REMOTE_WITHOUT_TOKEN = Setting.of(ApiAccess.OPT_OUT_KEY, false,
            "without a token, the HTTP API answers only loopback callers; true opens it to every caller");

    /** Every {@code pushwire.*} setting. */
    static final List<Setting<?>> ALL = Stream.of(
            SimulatedFeedConfig.SETTINGS, UpstreamFeedConfig.SETTINGS, ServerConfig.SETTINGS, BrokerSettings.SETTINGS,
            List.of(ServerConfig.CHANNEL_PRIORITY, ServerConfig.CONFLATABLE, AUTH_MODE, JWT_SECRET, JWT_PUBLIC_KEY,
                    JWT_ISSUER, JWT_AUDIENCE, ServerConfig.ALLOWED_ORIGINS, ADMIN_TOKEN, ALLOW_REMOTE_WITHOUT_TOKEN))
            .<Setting<?>>flatMap(List::stream).toList();

    static PushwireSettings from(Config config) {
        Reader read = new Reader(config, null);
        ServerConfig.Builder server = ServerConfig.builder();
        for (Setting<Long> setting : ServerConfig.SETTINGS) {
            read.configured(setting, Long.class).ifPresent(value -> server.set(setting, value));
        }
        capWebSocketsUnderTcp(config, read, server);
        server.channels(channelRules(read));
        server.authenticator(authenticator(read));
        read.configured(ServerConfig.ALLOWED_ORIGINS, String.class)
                .ifPresent(origins -> server.origins(new OriginPolicy(list(origins))));

        SimulatedFeedConfig simulated = new SimulatedFeedConfig(read.flag(SimulatedFeedConfig.ENABLED),
                read.decimal(SimulatedFeedConfig.RATE), read.list(SimulatedFeedConfig.SYMBOLS),
                read.configured(SimulatedFeedConfig.SEED, Long.class).orElseGet(() -> new SecureRandom().nextLong()));
        List<UpstreamFeedConfig> exchanges = Exchanges.NAMES.stream()
                .map(name -> new Reader(config, name))
                .filter(exchange -> exchange.flag(UpstreamFeedConfig.ENABLED))
                .map(PushwireSettings::exchangeFeed)
                .toList();
        BrokerSettings broker = new BrokerSettings(read.text(BrokerSettings.BROKER),
                new RedisBrokerSettings(read.text(BrokerSettings.REDIS_URI), read.text(BrokerSettings.REDIS_KEY_PREFIX),
                        read.number(BrokerSettings.REDIS_CHANNEL_TTL_MS), read.number(BrokerSettings.REDIS_CHECK_INTERVAL_MS),
                        read.number(BrokerSettings.REDIS_TIMEOUT_MS)),
                read.configured(BrokerSettings.NODE_ID, String.class).orElse(null), read.number(BrokerSettings.FEED_LEASE_MS));
        Optional<String> adminToken = read.configured(ADMIN_TOKEN, String.class);
        return new PushwireSettings(server.build(), broker, simulated, exchanges, adminToken,
                ApiAccess.of(adminToken.filter(token -> !token.isBlank()).isPresent(), read.flag(ALLOW_REMOTE_WITHOUT_TOKEN)));
    }

    /**
     * {@code pushwire.limits.max-connections} stays under the TCP cap in force (drawn from the open-file
     * limit, or configured), so that a WebSocket over the limit is told 4002 and health checks still get a
     * socket: unset, it is the cap less 128; set at or above the cap, it is kept and warned about.
     */
    private static void capWebSocketsUnderTcp(Config config, Reader read, ServerConfig.Builder server) {
        Optional<Long> tcp = config.getOptionalValue(ConnectionBudgetSource.TCP_KEY, Long.class).filter(cap -> cap > 0);
        if (tcp.isEmpty()) {
            return;
        }
        Optional<Long> configured = read.configured(ServerConfig.MAX_CONNECTIONS, Long.class);
        if (configured.isEmpty()) {
            server.set(ServerConfig.MAX_CONNECTIONS, ConnectionBudget.webSocketsBelow(tcp.get()));
        } else if (configured.get() >= tcp.get()) {
            LOG.log(System.Logger.Level.WARNING, ServerConfig.MAX_CONNECTIONS.key() + "=" + configured.get() + " is not below "
                    + ConnectionBudgetSource.TCP_KEY + "=" + tcp.get() + ": connections over the TCP cap wait unanswered"
                    + " instead of getting 4002, and health checks may find no socket");
        }
    }

    /** {@code pushwire.feeds.<name>.*} for an enabled exchange feed, {@code read} filling in its name. */
    private static UpstreamFeedConfig exchangeFeed(Reader read) {
        return new UpstreamFeedConfig(read.name(), read.uri(UpstreamFeedConfig.URL),
                read.configured(UpstreamFeedConfig.SYMBOLS, String.class).map(PushwireSettings::list)
                        .orElse(Exchanges.defaultSymbols(read.name())),
                read.list(UpstreamFeedConfig.CHANNELS), read.flag(UpstreamFeedConfig.REQUIRED),
                read.number(UpstreamFeedConfig.CONNECT_TIMEOUT_MS), read.number(UpstreamFeedConfig.PING_AFTER_MS),
                read.number(UpstreamFeedConfig.KEEPALIVE_MS), read.number(UpstreamFeedConfig.IDLE_TIMEOUT_MS),
                read.number(UpstreamFeedConfig.DATA_TIMEOUT_MS), read.number(UpstreamFeedConfig.BACKOFF_INITIAL_MS),
                read.number(UpstreamFeedConfig.BACKOFF_MAX_MS), read.number(UpstreamFeedConfig.ROTATE_AFTER_MS),
                read.number(UpstreamFeedConfig.HANDOVER_OVERLAP_MS));
    }

    /**
     * {@code pushwire.auth.mode}: {@code none} (anonymous, read-only sessions) or {@code jwt}, verified with
     * {@code pushwire.auth.jwt.secret} (HS256) or {@code .public-key} (PEM: RS256 or ES256). With
     * authentication on, the HTTP API must be protected too: the server refuses to start without
     * {@code pushwire.admin.token}.
     */
    private static Authenticator authenticator(Reader read) {
        String mode = read.text(AUTH_MODE).trim();
        if (mode.equalsIgnoreCase("none")) {
            return Authenticator.NONE;
        }
        if (!mode.equalsIgnoreCase("jwt")) {
            throw new IllegalArgumentException(AUTH_MODE + " must be none or jwt, got '" + mode + "'");
        }
        if (read.configured(ADMIN_TOKEN, String.class).filter(t -> !t.isBlank()).isEmpty()) {
            throw new IllegalStateException(AUTH_MODE + "=jwt needs " + ADMIN_TOKEN + ": with clients"
                    + " authenticated, the HTTP API (publish, sessions) must not stay open");
        }
        String issuer = read.text(JWT_ISSUER);
        String audience = read.text(JWT_AUDIENCE);
        Optional<String> secret = read.configured(JWT_SECRET, String.class);
        Optional<String> publicKey = read.configured(JWT_PUBLIC_KEY, String.class);
        if (secret.isPresent() == publicKey.isPresent()) {
            throw new IllegalArgumentException(AUTH_MODE + "=jwt needs exactly one of " + JWT_SECRET
                    + " (HS256) and " + JWT_PUBLIC_KEY + " (PEM, RS256 or ES256)");
        }
        return secret.isPresent()
                ? JwtAuthenticator.hs256(secret.get(), issuer, audience)
                : JwtAuthenticator.publicKey(pemText(publicKey.get()), issuer, audience);
    }

    /** The PEM itself, or the path of a file holding it. */
    private static String pemText(String value) {
        if (value.contains("-----BEGIN")) {
            return value;
        }
        try {
            return Files.readString(Path.of(value.trim()));
        } catch (IOException e) {
            throw new IllegalArgumentException(JWT_PUBLIC_KEY + ": neither a PEM block nor a readable file: " + value, e);
        }
    }

    /**
     * {@code pushwire.channels.priority.<pattern>=high|normal|low} (one key per pattern, on top of the
     * defaults) and {@code pushwire.channels.conflatable=<pattern>,...} ({@code none} turns it off).
     */
    private static ChannelRules channelRules(Reader read) {
        ChannelRules.Builder rules = ChannelRules.builder();
        for (String key : read.config().getPropertyNames()) {
            ServerConfig.CHANNEL_PRIORITY.nameIn(key).ifPresent(pattern ->
                    rules.priority(pattern, Lane.ofChannel(read.config().getValue(key, String.class))));
        }
        read.configured(ServerConfig.CONFLATABLE, String.class).ifPresent(value ->
                rules.conflatable("none".equalsIgnoreCase(value.trim()) ? List.of() : list(value)));
        return rules.build();
    }

    /** A comma-separated list, its entries trimmed, empty ones left out. */
    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * Reads settings from MicroProfile Config with the type each holds; a setting not configured takes its
     * default.
     *
     * @param name what fills in a key's placeholder, such as {@code <exchange>}; null for keys without one
     */
    private record Reader(Config config, String name) {
        long number(Setting<Long> setting) {
            return value(setting, Long.class);
        }

        double decimal(Setting<Double> setting) {
            return value(setting, Double.class);
        }

        boolean flag(Setting<Boolean> setting) {
            return value(setting, Boolean.class);
        }

        /** The text, or its default, which may be null. */
        String text(Setting<String> setting) {
            return value(setting, String.class);
        }

        List<String> list(Setting<List<String>> setting) {
            return configured(setting, String.class).map(PushwireSettings::list).orElse(setting.defaultValue());
        }

        URI uri(Setting<URI> setting) {
            return configured(setting, String.class).map(URI::create).orElse(setting.defaultValue());
        }

        /** The configured value, read as {@code type}; empty when the key is not set. */
        <T> Optional<T> configured(Setting<?> setting, Class<T> type) {
            return config.getOptionalValue(name == null ? setting.key() : setting.key(name), type);
        }

        private <T> T value(Setting<T> setting, Class<T> type) {
            return configured(setting, type).orElse(setting.defaultValue());
        }
    }
}
