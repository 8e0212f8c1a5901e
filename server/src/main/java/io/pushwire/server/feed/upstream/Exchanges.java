package io.pushwire.server.feed.upstream;

import io.pushwire.server.core.FeedSink;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.function.LongSupplier;

/** The exchanges Pushwire has connectors for, and the production wiring of their feeds. */
public final class Exchanges {
    /** Feed names, which are also their channel namespaces. */
    public static final List<String> NAMES = List.of(BinanceAdapter.NAME, OkxAdapter.NAME, KrakenAdapter.NAME);

    private Exchanges() {
    }

    /** Symbols a feed subscribes when its configuration names none. */
    public static List<String> defaultSymbols(String exchange) {
        return KrakenAdapter.NAME.equals(exchange) ? List.of("BTC-USD", "ETH-USD") : List.of("BTC-USDT", "ETH-USDT");
    }

    static ExchangeAdapter adapter(String exchange, List<String> symbols, LongSupplier clock) {
        return switch (exchange) {
            case BinanceAdapter.NAME -> new BinanceAdapter(symbols, clock);
            case OkxAdapter.NAME -> new OkxAdapter(symbols, clock);
            case KrakenAdapter.NAME -> new KrakenAdapter(symbols, clock);
            default -> throw new IllegalArgumentException("no connector for exchange '" + exchange + "'; known: " + NAMES);
        };
    }

    /** A feed on the JDK WebSocket client, its state on its own thread {@code pushwire-feed-<name>}. */
    public static UpstreamFeed feed(UpstreamFeedConfig config, FeedSink hub, InstantSource clock) {
        ExchangeAdapter exchange = adapter(config.name(), config.symbols(), clock::millis);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(config.connectTimeoutMs())).build();
        return new UpstreamFeed(exchange, config, hub, new ExecutorEventLoop("pushwire-feed-" + config.name(), clock),
                new JdkUpstreamSockets(http), new SecureRandom());
    }
}
