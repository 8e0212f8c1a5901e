package io.pushwire.server.feed.upstream;

import io.pushwire.server.feed.MarketEvent;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of one exchange feed ({@code pushwire.feeds.<name>.*}). Timings left at -1 take the exchange's
 * defaults ({@link ExchangeAdapter#rules()}).
 *
 * @param name              {@code binance}, {@code okx} or {@code kraken}; also the channel namespace
 * @param url               the endpoint; null for the exchange's public one
 * @param symbols           instruments, written {@code BASE-QUOTE}
 * @param channels          kinds to subscribe per symbol: {@code trades}, {@code ticker}
 * @param required          whether readiness goes DOWN while this feed is not live
 * @param connectTimeoutMs  limit on one connection attempt, handshake included
 * @param pingAfterMs       ping when nothing arrived this long (-1: exchange default, 0: never)
 * @param keepaliveMs       ping when nothing was sent this long (-1: exchange default, 0: never)
 * @param idleTimeoutMs     nothing arrived this long: the connection is dead (-1: exchange default)
 * @param dataTimeoutMs     no market data this long on a subscribed connection: resubscribe on a new one (0: never)
 * @param backoffInitialMs  first reconnect window
 * @param backoffMaxMs      largest reconnect window
 * @param rotateAfterMs     replace a connection this old, before the exchange ends it (-1: exchange default, 0: never)
 * @param handoverOverlapMs how long old and new connections overlap in a make-before-break handover
 */
public record UpstreamFeedConfig(String name, URI url, List<String> symbols, List<String> channels, boolean required,
                                 long connectTimeoutMs, long pingAfterMs, long keepaliveMs, long idleTimeoutMs,
                                 long dataTimeoutMs, long backoffInitialMs, long backoffMaxMs, long rotateAfterMs,
                                 long handoverOverlapMs) {
    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9]{1,20}-[A-Z0-9]{1,20}");

    public UpstreamFeedConfig {
        Objects.requireNonNull(name, "name");
        String prefix = "pushwire.feeds." + name + ".";
        if (symbols.isEmpty()) {
            throw new IllegalArgumentException(prefix + "symbols must name at least one symbol");
        }
        for (String symbol : symbols) {
            if (!SYMBOL.matcher(symbol).matches()) {
                throw new IllegalArgumentException(prefix + "symbols: '" + symbol
                        + "' is not a symbol written BASE-QUOTE, such as BTC-USDT");
            }
        }
        if (channels.isEmpty()) {
            throw new IllegalArgumentException(prefix + "channels must name trades, ticker or both");
        }
        for (String channel : channels) {
            if (!MarketEvent.TRADES.equals(channel) && !MarketEvent.TICKER.equals(channel)) {
                throw new IllegalArgumentException(prefix + "channels: '" + channel + "' is neither trades nor ticker");
            }
        }
        if (url != null && !"ws".equals(url.getScheme()) && !"wss".equals(url.getScheme())) {
            throw new IllegalArgumentException(prefix + "url must be ws:// or wss://, got " + url);
        }
        positive(prefix + "connect-timeout-ms", connectTimeoutMs);
        positive(prefix + "backoff-initial-ms", backoffInitialMs);
        positive(prefix + "handover-overlap-ms", handoverOverlapMs);
        if (backoffMaxMs < backoffInitialMs) {
            throw new IllegalArgumentException(prefix + "backoff-max-ms must be >= backoff-initial-ms");
        }
        if (dataTimeoutMs < 0) {
            throw new IllegalArgumentException(prefix + "data-timeout-ms must be >= 0 (0: off)");
        }
        symbols = List.copyOf(symbols);
        channels = List.copyOf(channels);
    }

    /** Defaults for feed {@code name} with these symbols: exchange timings, a 1 s to 30 s backoff. */
    public static UpstreamFeedConfig defaults(String name, List<String> symbols) {
        return new UpstreamFeedConfig(name, null, symbols, List.of(MarketEvent.TRADES, MarketEvent.TICKER), false,
                10_000, -1, -1, -1, 60_000, 1_000, 30_000, -1, 2_000);
    }

    /** The streams to subscribe: every kind for every symbol. */
    List<MarketStream> streams() {
        return symbols.stream().flatMap(symbol -> channels.stream().map(kind -> new MarketStream(kind, symbol))).toList();
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + value);
        }
    }
}
