package io.pushwire.server.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.config.mp.MpConfigSources;
import io.pushwire.server.core.ApiAccess;
import io.pushwire.server.core.ChannelPolicy;
import io.pushwire.server.core.Lane;
import io.pushwire.server.core.ServerConfig;
import io.pushwire.server.feed.SimulatedFeedConfig;
import io.pushwire.server.feed.upstream.UpstreamFeedConfig;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.Test;

/** Configuration keys reach the settings they name; absent ones keep the settings' defaults. */
class PushwireSettingsTest {
    private static PushwireSettings read(Map<String, String> properties) {
        Config config = ConfigProviderResolver.instance().getBuilder()
                .withSources(MpConfigSources.create("test", properties)).build();
        return PushwireSettings.from(config);
    }

    @Test
    void withNothingConfiguredEverySettingHasItsDefault() {
        PushwireSettings settings = read(Map.of());

        ServerConfig defaults = ServerConfig.builder().build();
        assertEquals(defaults.sessionTtlMs(), settings.server().sessionTtlMs());
        assertEquals(defaults.outbound(), settings.server().outbound());
        assertEquals(defaults.history(), settings.server().history());
        assertEquals(ServerConfig.MAX_CONNECTIONS.defaultValue(), (long) settings.server().maxConnections());
        assertTrue(settings.simulatedFeed().enabled());
        assertEquals(SimulatedFeedConfig.RATE.defaultValue(), settings.simulatedFeed().ratePerSec());
        assertEquals(SimulatedFeedConfig.SYMBOLS.defaultValue(), settings.simulatedFeed().symbols());
        assertEquals(List.of(), settings.exchangeFeeds());
        assertEquals(Optional.empty(), settings.adminToken());
        assertEquals(new ChannelPolicy(Lane.HIGH, false), settings.server().channels().policyFor("sim.trades.X"));
    }

    @Test
    void theWebSocketCapFollowsTheTcpCapInForce() {
        assertEquals(872, read(Map.of("server.max-tcp-connections", "1000")).server().maxConnections(),
                "unset, it is the TCP cap less 128");
        assertEquals(5_000, read(Map.of("server.max-tcp-connections", "1000", "pushwire.limits.max-connections", "5000"))
                .server().maxConnections(), "set, it is kept (and warned about when not below the cap)");
        assertEquals(ServerConfig.MAX_CONNECTIONS.defaultValue(),
                (long) read(Map.of("server.max-tcp-connections", "-1")).server().maxConnections(), "no cap: the default");
    }

    @Test
    void theApiIsLoopbackOnlyUntilATokenOrTheOptOut() {
        assertEquals(ApiAccess.Mode.LOOPBACK_ONLY, read(Map.of()).apiAccess().mode());
        assertEquals(ApiAccess.Mode.TOKEN, read(Map.of("pushwire.admin.token", "t")).apiAccess().mode());
        assertEquals(ApiAccess.Mode.LOOPBACK_ONLY, read(Map.of("pushwire.admin.token", " ")).apiAccess().mode(),
                "a blank token is no token");
        assertEquals(ApiAccess.Mode.OPEN,
                read(Map.of("pushwire.admin.allow-remote-without-token", "true")).apiAccess().mode());
    }

    @Test
    void configuredKeysReachTheirSettings() {
        PushwireSettings settings = read(Map.of(
                "pushwire.limits.max-connections", "5",
                "pushwire.outbound.max-batch", "8",
                "pushwire.feeds.simulated.enabled", "false",
                "pushwire.feeds.simulated.symbols", " BTC-USDT, ,ETH-USDT ",
                "pushwire.feeds.kraken.enabled", "true",
                "pushwire.feeds.kraken.idle-timeout-ms", "7000",
                "pushwire.feeds.kraken.url", "ws://localhost:9000/v2",
                "pushwire.channels.priority.news.*", "low",
                "pushwire.channels.conflatable", "none",
                "pushwire.admin.token", "secret"));

        assertEquals(5, settings.server().maxConnections());
        assertEquals(8, settings.server().outbound().maxBatchFrames());
        assertFalse(settings.simulatedFeed().enabled());
        assertEquals(List.of("BTC-USDT", "ETH-USDT"), settings.simulatedFeed().symbols());
        UpstreamFeedConfig kraken = settings.exchangeFeeds().get(0);
        assertEquals(1, settings.exchangeFeeds().size());
        assertEquals("kraken", kraken.name());
        assertEquals(7_000, kraken.idleTimeoutMs());
        assertEquals(URI.create("ws://localhost:9000/v2"), kraken.url());
        assertEquals(List.of("BTC-USD", "ETH-USD"), kraken.symbols());
        assertEquals(UpstreamFeedConfig.CONNECT_TIMEOUT_MS.defaultValue(), kraken.connectTimeoutMs());
        assertEquals(-1, kraken.pingAfterMs(), "the exchange's own");
        assertEquals(new ChannelPolicy(Lane.LOW, false), settings.server().channels().policyFor("news.flash"));
        assertEquals(new ChannelPolicy(Lane.NORMAL, false), settings.server().channels().policyFor("sim.ticker.X"));
        assertEquals(Optional.of("secret"), settings.adminToken());
    }

    @Test
    void aValueASettingRefusesStopsStartupNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of("pushwire.feeds.okx.enabled", "true", "pushwire.feeds.okx.connect-timeout-ms", "0")));

        assertEquals("pushwire.feeds.okx.connect-timeout-ms must be > 0, got 0", e.getMessage());
    }
}
