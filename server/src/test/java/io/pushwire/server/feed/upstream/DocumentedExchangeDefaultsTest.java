package io.pushwire.server.feed.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.pushwire.server.core.Setting;
import io.pushwire.server.docs.Markdown;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The exchange feed settings whose default is "per exchange" show, in the README's configuration table,
 * each exchange's own default: {@code Binance `45000`, OKX `30000`, Kraken `10000`}, or a value for all
 * with the exceptions named ({@code `BTC-USDT,ETH-USDT` (Kraken: `BTC-USD,ETH-USD`)},
 * {@code Binance `82800000` (23 h), others `0`}). The values are the adapters' rules and
 * {@link Exchanges#defaultSymbols}.
 */
class DocumentedExchangeDefaultsTest {
    /** An exchange's name, then its value in backticks: {@code Binance `0`}, {@code (Kraken: `BTC-USD`)}. */
    private static final Pattern NAMED = Pattern.compile("(Binance|OKX|Kraken|others)[^`]*`([^`]+)`");
    private static final Pattern LEADING = Pattern.compile("^`([^`]+)`");

    private static final Map<Setting<?>, Function<ExchangeAdapter, Object>> DEFAULTS = Map.of(
            UpstreamFeedConfig.SYMBOLS, adapter -> String.join(",", Exchanges.defaultSymbols(adapter.name())),
            UpstreamFeedConfig.IDLE_TIMEOUT_MS, adapter -> adapter.rules().heartbeat().idleTimeoutMs(),
            UpstreamFeedConfig.PING_AFTER_MS, adapter -> adapter.rules().heartbeat().pingAfterMs(),
            UpstreamFeedConfig.KEEPALIVE_MS, adapter -> adapter.rules().heartbeat().keepaliveMs(),
            UpstreamFeedConfig.ROTATE_AFTER_MS, adapter -> adapter.rules().rotateAfterMs());

    @Test
    void eachPerExchangeDefaultIsTheExchangesOwn() {
        Map<String, String> documented = new LinkedHashMap<>();
        for (List<String> row : Markdown.table("README.md", "## Configuration")) {
            Markdown.code(row.get(0)).forEach(key -> documented.put(key, row.get(1)));
        }
        for (Setting<?> setting : UpstreamFeedConfig.SETTINGS) {
            if (!setting.defaultText().equals("per exchange")) {
                continue;
            }
            Function<ExchangeAdapter, Object> actual = DEFAULTS.get(setting);
            assertNotNull(actual, setting + " is per exchange: this test must say where its defaults come from");
            String cell = documented.get(setting.key());
            assertNotNull(cell, setting + " has no row");
            Map<String, String> byExchange = byExchange(cell);
            for (String name : Exchanges.NAMES) {
                ExchangeAdapter adapter = Exchanges.adapter(name, Exchanges.defaultSymbols(name), () -> 0);
                assertEquals(String.valueOf(actual.apply(adapter)), byExchange.get(name),
                        setting + " for " + name + ", documented as: " + cell);
            }
        }
    }

    /** Each exchange's value in a default cell; one that is not named takes the leading or the "others" value. */
    private static Map<String, String> byExchange(String cell) {
        Map<String, String> named = new LinkedHashMap<>();
        Matcher match = NAMED.matcher(cell);
        while (match.find()) {
            named.put(match.group(1).toLowerCase(Locale.ROOT), match.group(2));
        }
        Matcher leading = LEADING.matcher(cell);
        String others = leading.find() ? leading.group(1) : named.get("others");
        Map<String, String> values = new LinkedHashMap<>();
        Exchanges.NAMES.forEach(name -> values.put(name, named.getOrDefault(name, others)));
        return values;
    }
}
