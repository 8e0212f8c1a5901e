package io.pushwire.server.feed;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Settings of the simulated feed.
 *
 * @param enabled    whether it runs (the default, so that a fresh server has data)
 * @param ratePerSec total events per second over all symbols
 * @param symbols    instruments, written {@code BASE-QUOTE}
 * @param seed       random seed; the same seed gives the same market
 */
public record SimulatedFeedConfig(boolean enabled, double ratePerSec, List<String> symbols, long seed) {
    public static final List<String> DEFAULT_SYMBOLS = List.of("BTC-USDT", "ETH-USDT", "SOL-USDT");
    public static final double DEFAULT_RATE = 50;
    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9]{1,20}-[A-Z0-9]{1,20}");

    public SimulatedFeedConfig {
        if (ratePerSec <= 0) {
            throw new IllegalArgumentException("pushwire.feeds.simulated.rate must be > 0, got " + ratePerSec);
        }
        if (symbols.isEmpty()) {
            throw new IllegalArgumentException("pushwire.feeds.simulated.symbols must name at least one symbol");
        }
        for (String symbol : symbols) {
            if (!SYMBOL.matcher(symbol).matches()) {
                throw new IllegalArgumentException("pushwire.feeds.simulated.symbols: '" + symbol
                        + "' is not a symbol written BASE-QUOTE, such as BTC-USDT");
            }
        }
        symbols = List.copyOf(symbols);
    }
}
