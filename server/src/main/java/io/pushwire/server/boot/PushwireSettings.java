package io.pushwire.server.boot;

import io.pushwire.server.auth.JwtAuthenticator;
import io.pushwire.server.core.Authenticator;
import io.pushwire.server.core.ChannelRules;
import io.pushwire.server.core.OriginPolicy;
import io.pushwire.server.core.Priority;
import io.pushwire.server.core.ServerConfig;
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
import org.eclipse.microprofile.config.Config;

/**
 * Reads {@code pushwire.*} MicroProfile Config into the core's immutable settings. Absent keys keep the
 * core's defaults, so the defaults live in one place.
 */
record PushwireSettings(ServerConfig server, SimulatedFeedConfig simulatedFeed, List<UpstreamFeedConfig> exchangeFeeds) {

    static PushwireSettings from(Config config) {
        ServerConfig.Builder server = ServerConfig.builder();
        longValue(config, "pushwire.hello.timeout-ms").ifPresent(server::helloTimeoutMs);
        longValue(config, "pushwire.heartbeat.interval-ms").ifPresent(server::heartbeatIntervalMs);
        longValue(config, "pushwire.heartbeat.timeout-ms").ifPresent(server::heartbeatTimeoutMs);
        longValue(config, "pushwire.limits.inbound.rate").ifPresent(server::inboundRatePerSec);
        longValue(config, "pushwire.limits.inbound.burst").ifPresent(server::inboundBurst);
        longValue(config, "pushwire.limits.inbound.abuse-factor").ifPresent(server::abuseFactor);
        longValue(config, "pushwire.limits.handshakes-per-second").ifPresent(server::handshakesPerSecond);
        longValue(config, "pushwire.limits.max-frame-bytes").ifPresent(server::maxFrameBytes);
        longValue(config, "pushwire.limits.max-rejected-frames").ifPresent(server::maxRejectedFrames);
        longValue(config, "pushwire.limits.max-subscriptions").ifPresent(server::maxSubscriptions);
        longValue(config, "pushwire.limits.max-channels").ifPresent(server::maxChannels);
        longValue(config, "pushwire.limits.max-connections").ifPresent(server::maxConnections);
        longValue(config, "pushwire.limits.max-connections-per-address").ifPresent(server::maxConnectionsPerAddress);
        longValue(config, "pushwire.session.ttl-ms").ifPresent(server::sessionTtlMs);
        longValue(config, "pushwire.session.max-pending-me").ifPresent(server::maxPendingMe);
        longValue(config, "pushwire.drain.spread-ms").ifPresent(server::drainSpreadMs);
        longValue(config, "pushwire.drain.grace-ms").ifPresent(server::drainGraceMs);
        longValue(config, "pushwire.close.timeout-ms").ifPresent(server::closeTimeoutMs);
        longValue(config, "pushwire.history.size").ifPresent(server::historySize);
        longValue(config, "pushwire.history.ttl-ms").ifPresent(server::historyTtlMs);
        longValue(config, "pushwire.outbound.max-batch").ifPresent(v -> server.maxBatchFrames(Math.toIntExact(v)));
        longValue(config, "pushwire.outbound.max-batch-bytes").ifPresent(v -> server.maxBatchBytes(Math.toIntExact(v)));
        longValue(config, "pushwire.outbound.max-queue-bytes").ifPresent(server::maxQueueBytes);
        server.channels(channelRules(config));
        server.authenticator(authenticator(config));
        longValue(config, "pushwire.auth.grace-ms").ifPresent(server::authGraceMs);
        config.getOptionalValue("pushwire.security.allowed-origins", String.class)
                .ifPresent(value -> server.origins(new OriginPolicy(list(value))));

        SimulatedFeedConfig simulated = new SimulatedFeedConfig(
                config.getOptionalValue("pushwire.feeds.simulated.enabled", Boolean.class).orElse(true),
                config.getOptionalValue("pushwire.feeds.simulated.rate", Double.class)
                        .orElse(SimulatedFeedConfig.DEFAULT_RATE),
                config.getOptionalValue("pushwire.feeds.simulated.symbols", String.class)
                        .map(PushwireSettings::list).orElse(SimulatedFeedConfig.DEFAULT_SYMBOLS),
                longValue(config, "pushwire.feeds.simulated.seed").orElseGet(() -> new SecureRandom().nextLong()));
        List<UpstreamFeedConfig> exchanges = Exchanges.NAMES.stream()
                .filter(name -> config.getOptionalValue("pushwire.feeds." + name + ".enabled", Boolean.class).orElse(false))
                .map(name -> exchangeFeed(config, name))
                .toList();
        return new PushwireSettings(server.build(), simulated, exchanges);
    }

    /** {@code pushwire.feeds.<name>.*} for an enabled exchange feed; absent keys keep the feed's defaults. */
    static UpstreamFeedConfig exchangeFeed(Config config, String name) {
        String prefix = "pushwire.feeds." + name + ".";
        UpstreamFeedConfig defaults = UpstreamFeedConfig.defaults(name,
                config.getOptionalValue(prefix + "symbols", String.class).map(PushwireSettings::list)
                        .orElse(Exchanges.defaultSymbols(name)));
        return new UpstreamFeedConfig(name,
                config.getOptionalValue(prefix + "url", String.class).map(URI::create).orElse(defaults.url()),
                defaults.symbols(),
                config.getOptionalValue(prefix + "channels", String.class).map(PushwireSettings::list).orElse(defaults.channels()),
                config.getOptionalValue(prefix + "required", Boolean.class).orElse(defaults.required()),
                longValue(config, prefix + "connect-timeout-ms").orElse(defaults.connectTimeoutMs()),
                longValue(config, prefix + "ping-after-ms").orElse(defaults.pingAfterMs()),
                longValue(config, prefix + "keepalive-ms").orElse(defaults.keepaliveMs()),
                longValue(config, prefix + "idle-timeout-ms").orElse(defaults.idleTimeoutMs()),
                longValue(config, prefix + "data-timeout-ms").orElse(defaults.dataTimeoutMs()),
                longValue(config, prefix + "backoff-initial-ms").orElse(defaults.backoffInitialMs()),
                longValue(config, prefix + "backoff-max-ms").orElse(defaults.backoffMaxMs()),
                longValue(config, prefix + "rotate-after-ms").orElse(defaults.rotateAfterMs()),
                longValue(config, prefix + "handover-overlap-ms").orElse(defaults.handoverOverlapMs()));
    }

    /**
     * {@code pushwire.auth.mode}: {@code none} (anonymous, read-only sessions) or {@code jwt}, verified with
     * {@code pushwire.auth.jwt.secret} (HS256) or {@code .public-key} (PEM: RS256 or ES256). With
     * authentication on, the HTTP API must be protected too: the server refuses to start without
     * {@code pushwire.admin.token}.
     */
    static Authenticator authenticator(Config config) {
        String mode = config.getOptionalValue("pushwire.auth.mode", String.class).orElse("none").trim();
        if (mode.equalsIgnoreCase("none")) {
            return Authenticator.NONE;
        }
        if (!mode.equalsIgnoreCase("jwt")) {
            throw new IllegalArgumentException("pushwire.auth.mode must be none or jwt, got '" + mode + "'");
        }
        if (config.getOptionalValue("pushwire.admin.token", String.class).filter(t -> !t.isBlank()).isEmpty()) {
            throw new IllegalStateException("pushwire.auth.mode=jwt needs pushwire.admin.token: with clients"
                    + " authenticated, the HTTP API (publish, sessions) must not stay open");
        }
        String issuer = config.getOptionalValue("pushwire.auth.jwt.issuer", String.class).orElse(null);
        String audience = config.getOptionalValue("pushwire.auth.jwt.audience", String.class).orElse(null);
        Optional<String> secret = config.getOptionalValue("pushwire.auth.jwt.secret", String.class);
        Optional<String> publicKey = config.getOptionalValue("pushwire.auth.jwt.public-key", String.class);
        if (secret.isPresent() == publicKey.isPresent()) {
            throw new IllegalArgumentException("pushwire.auth.mode=jwt needs exactly one of pushwire.auth.jwt.secret"
                    + " (HS256) and pushwire.auth.jwt.public-key (PEM, RS256 or ES256)");
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
            throw new IllegalArgumentException("pushwire.auth.jwt.public-key: neither a PEM block nor a readable file: "
                    + value, e);
        }
    }

    /**
     * {@code pushwire.channels.priority.<pattern>=high|normal|low} (one key per pattern, on top of the
     * defaults) and {@code pushwire.channels.conflatable=<pattern>,...} ({@code none} turns it off).
     */
    static ChannelRules channelRules(Config config) {
        ChannelRules.Builder rules = ChannelRules.builder();
        String prefix = "pushwire.channels.priority.";
        for (String key : config.getPropertyNames()) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                rules.priority(key.substring(prefix.length()),
                        Priority.ofChannel(config.getValue(key, String.class)));
            }
        }
        config.getOptionalValue("pushwire.channels.conflatable", String.class).ifPresent(value ->
                rules.conflatable("none".equalsIgnoreCase(value.trim()) ? List.of() : list(value)));
        return rules.build();
    }

    private static Optional<Long> longValue(Config config, String key) {
        return config.getOptionalValue(key, Long.class);
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
