package io.pushwire.server.feed.upstream;

import io.pushwire.server.core.Setting;
import io.pushwire.server.feed.MarketEvent;
import io.pushwire.server.feed.Symbols;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Settings of one exchange feed ({@code pushwire.feeds.<exchange>.*}, each a {@link Setting} below). Timings
 * left at -1 take the exchange's defaults ({@link ExchangeAdapter#rules()}).
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
    /** The default of a setting each exchange decides: {@link ExchangeAdapter#rules()}, {@link Exchanges#defaultSymbols}. */
    private static final String PER_EXCHANGE = "per exchange";

    public static final Setting<Boolean> ENABLED = Setting.of("pushwire.feeds.<exchange>.enabled", false,
            "run the exchange's market-data connector");
    /** {@link Exchanges#defaultSymbols} when not configured. */
    public static final Setting<List<String>> SYMBOLS = Setting.<List<String>>computed("pushwire.feeds.<exchange>.symbols",
            null, PER_EXCHANGE, "instruments, written BASE-QUOTE").checkedBy(Symbols.CHECK);
    public static final Setting<List<String>> CHANNELS = Setting.of("pushwire.feeds.<exchange>.channels",
            List.of(MarketEvent.TRADES, MarketEvent.TICKER), "what to subscribe per symbol").checkedBy((key, channels) -> {
                if (channels.isEmpty()) {
                    throw new IllegalArgumentException(key + " must name trades, ticker or both");
                }
                for (String channel : channels) {
                    if (!MarketEvent.TRADES.equals(channel) && !MarketEvent.TICKER.equals(channel)) {
                        throw new IllegalArgumentException(key + ": '" + channel + "' is neither trades nor ticker");
                    }
                }
            });
    /** Null, the default, is the exchange's public endpoint ({@link ExchangeAdapter#defaultUrl()}). */
    public static final Setting<URI> URL = Setting.<URI>computed("pushwire.feeds.<exchange>.url", null,
            "the exchange's public endpoint", "override for a proxy or a test exchange").checkedBy((key, url) -> {
                if (url != null && !"ws".equals(url.getScheme()) && !"wss".equals(url.getScheme())) {
                    throw new IllegalArgumentException(key + " must be ws:// or wss://, got " + url);
                }
            });
    public static final Setting<Boolean> REQUIRED = Setting.of("pushwire.feeds.<exchange>.required", false,
            "when true, /health/ready is DOWN while this feed is not live");
    public static final Setting<Long> CONNECT_TIMEOUT_MS = Setting.positive("pushwire.feeds.<exchange>.connect-timeout-ms",
            10_000, "one connection attempt, handshake included");
    public static final Setting<Long> IDLE_TIMEOUT_MS = Setting.computed("pushwire.feeds.<exchange>.idle-timeout-ms",
            -1L, PER_EXCHANGE, "nothing received this long: the connection is dead, reconnect");
    public static final Setting<Long> PING_AFTER_MS = Setting.computed("pushwire.feeds.<exchange>.ping-after-ms",
            -1L, PER_EXCHANGE, "send the exchange's ping after this long without receiving anything (0: never)");
    public static final Setting<Long> KEEPALIVE_MS = Setting.computed("pushwire.feeds.<exchange>.keepalive-ms",
            -1L, PER_EXCHANGE, "send the exchange's ping after this long without sending anything (0: never)");
    public static final Setting<Long> DATA_TIMEOUT_MS = Setting.of("pushwire.feeds.<exchange>.data-timeout-ms", 60_000L,
            "a subscribed connection that delivered no market data this long is replaced (0: off)")
            .checkedBy((key, value) -> {
                if (value < 0) {
                    throw new IllegalArgumentException(key + " must be >= 0 (0: off)");
                }
            });
    public static final Setting<Long> BACKOFF_INITIAL_MS = Setting.positive("pushwire.feeds.<exchange>.backoff-initial-ms",
            1_000, "first reconnect window; each failure doubles it, with full jitter");
    /** At least {@link #BACKOFF_INITIAL_MS}. */
    public static final Setting<Long> BACKOFF_MAX_MS = Setting.of("pushwire.feeds.<exchange>.backoff-max-ms", 30_000L,
            "largest reconnect window");
    public static final Setting<Long> ROTATE_AFTER_MS = Setting.computed("pushwire.feeds.<exchange>.rotate-after-ms",
            -1L, PER_EXCHANGE, "replace a connection this old, make-before-break (0: never)");
    public static final Setting<Long> HANDOVER_OVERLAP_MS = Setting.positive(
            "pushwire.feeds.<exchange>.handover-overlap-ms", 2_000,
            "how long old and new connections overlap during a handover");
    /** Every setting above, in the README's order. */
    public static final List<Setting<?>> SETTINGS = List.of(ENABLED, SYMBOLS, CHANNELS, URL, REQUIRED, CONNECT_TIMEOUT_MS,
            IDLE_TIMEOUT_MS, PING_AFTER_MS, KEEPALIVE_MS, DATA_TIMEOUT_MS, BACKOFF_INITIAL_MS, BACKOFF_MAX_MS,
            ROTATE_AFTER_MS, HANDOVER_OVERLAP_MS);

    public UpstreamFeedConfig {
        Objects.requireNonNull(name, "name");
        SYMBOLS.check(name, symbols);
        CHANNELS.check(name, channels);
        URL.check(name, url);
        CONNECT_TIMEOUT_MS.check(name, connectTimeoutMs);
        BACKOFF_INITIAL_MS.check(name, backoffInitialMs);
        HANDOVER_OVERLAP_MS.check(name, handoverOverlapMs);
        if (backoffMaxMs < backoffInitialMs) {
            throw new IllegalArgumentException(BACKOFF_MAX_MS.key(name) + " must be >= backoff-initial-ms");
        }
        DATA_TIMEOUT_MS.check(name, dataTimeoutMs);
        symbols = List.copyOf(symbols);
        channels = List.copyOf(channels);
    }

    /** Defaults for feed {@code name} with these symbols: exchange timings, a 1 s to 30 s backoff. */
    public static UpstreamFeedConfig defaults(String name, List<String> symbols) {
        return new UpstreamFeedConfig(name, URL.defaultValue(), symbols, CHANNELS.defaultValue(), REQUIRED.defaultValue(),
                CONNECT_TIMEOUT_MS.defaultValue(), PING_AFTER_MS.defaultValue(), KEEPALIVE_MS.defaultValue(),
                IDLE_TIMEOUT_MS.defaultValue(), DATA_TIMEOUT_MS.defaultValue(), BACKOFF_INITIAL_MS.defaultValue(),
                BACKOFF_MAX_MS.defaultValue(), ROTATE_AFTER_MS.defaultValue(), HANDOVER_OVERLAP_MS.defaultValue());
    }

    /** The streams to subscribe: every kind for every symbol. */
    List<MarketStream> streams() {
        return symbols.stream().flatMap(symbol -> channels.stream().map(kind -> new MarketStream(kind, symbol))).toList();
    }
}
