package io.pushwire.server.feed;

import io.pushwire.server.core.Setting;
import java.util.List;
import java.util.regex.Pattern;

/** Instruments as a feed's settings name them: {@code BASE-QUOTE}, such as {@code BTC-USDT}. */
public final class Symbols {
    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9]{1,20}-[A-Z0-9]{1,20}");

    /** At least one symbol, each written {@code BASE-QUOTE}. */
    public static final Setting.Check<List<String>> CHECK = (key, symbols) -> {
        if (symbols.isEmpty()) {
            throw new IllegalArgumentException(key + " must name at least one symbol");
        }
        for (String symbol : symbols) {
            if (!SYMBOL.matcher(symbol).matches()) {
                throw new IllegalArgumentException(key + ": '" + symbol
                        + "' is not a symbol written BASE-QUOTE, such as BTC-USDT");
            }
        }
    };

    private Symbols() {
    }
}
