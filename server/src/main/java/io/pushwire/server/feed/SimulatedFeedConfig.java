package io.pushwire.server.feed;

import io.pushwire.server.core.Setting;
import java.util.List;

/**
 * Settings of the simulated feed.
 *
 * @param enabled    whether it runs (the default, so that a fresh server has data)
 * @param ratePerSec total events per second over all symbols
 * @param symbols    instruments, written {@code BASE-QUOTE}
 * @param seed       random seed; the same seed gives the same market
 */
public record SimulatedFeedConfig(boolean enabled, double ratePerSec, List<String> symbols, long seed) {
    public static final Setting<Boolean> ENABLED = Setting.of("pushwire.feeds.simulated.enabled", true,
            "run the built-in simulated market feed");
    public static final Setting<Double> RATE = Setting.of("pushwire.feeds.simulated.rate", 50.0,
            "events per second, all symbols together").checkedBy(Setting.POSITIVE);
    public static final Setting<List<String>> SYMBOLS = Setting.of("pushwire.feeds.simulated.symbols",
            List.of("BTC-USDT", "ETH-USDT", "SOL-USDT"), "simulated instruments").checkedBy(Symbols.CHECK);
    /** Drawn at startup when not configured. */
    public static final Setting<Long> SEED = Setting.computed("pushwire.feeds.simulated.seed", null, "random",
            "seed of the random walk; the same seed replays the same market");
    /** Every setting above. */
    public static final List<Setting<?>> SETTINGS = List.of(ENABLED, RATE, SYMBOLS, SEED);

    public SimulatedFeedConfig {
        RATE.check(ratePerSec);
        symbols = List.copyOf(SYMBOLS.check(symbols));
    }
}
