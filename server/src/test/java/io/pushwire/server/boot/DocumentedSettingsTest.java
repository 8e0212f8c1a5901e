package io.pushwire.server.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.server.core.ChannelPolicy;
import io.pushwire.server.core.ChannelRules;
import io.pushwire.server.core.Lane;
import io.pushwire.server.core.ServerConfig;
import io.pushwire.server.core.Setting;
import io.pushwire.server.docs.Markdown;
import io.pushwire.server.feed.SimulatedFeedConfig;
import io.pushwire.server.feed.upstream.UpstreamFeedConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table and the {@link Setting}s say the same: every {@code pushwire.*} row
 * has a setting, every setting has a row, and the row's default is the setting's.
 *
 * <p>A row's first cell names one key or several (the issuer and audience share a row); its default
 * cell is compared, without backticks, with {@link Setting#defaultText()}: {@code 1000}, {@code none},
 * {@code random}, {@code BTC-USDT,ETH-USDT,SOL-USDT}. Keys with a placeholder ({@code <exchange>},
 * {@code <pattern>}) are compared as they are written, placeholder and all. Two kinds of default are not
 * one value and are checked where they are decided instead: a setting whose default is "per exchange"
 * ({@code pushwire.feeds.<exchange>.symbols}, the timings) against the exchanges' own, in
 * {@code feed.upstream.DocumentedExchangeDefaultsTest}; the channel patterns
 * ({@code pushwire.channels.priority.<pattern>}, {@code pushwire.channels.conflatable}) against
 * {@link ChannelRules#defaults()}, here.
 *
 * <p>The {@code server.*} rows are Helidon's own keys, read by its web server and not by Pushwire: they
 * are documentation only, with no setting behind them, and are left out.
 */
class DocumentedSettingsTest {
    private static final String PER_EXCHANGE = "per exchange";
    private static final String CHANNEL_RULES = "ChannelRules.defaults()";

    /** Documented default, by key, of every {@code pushwire.*} row. */
    private static Map<String, String> documented() {
        Map<String, String> defaults = new TreeMap<>();
        for (List<String> row : Markdown.table("README.md", "## Configuration")) {
            List<String> keys = Markdown.code(row.get(0));
            assertFalse(keys.isEmpty(), "a row without a key: " + row);
            if (keys.stream().allMatch(key -> key.startsWith("server."))) {
                continue;
            }
            for (String key : keys) {
                assertTrue(key.startsWith("pushwire."), "a row mixing Helidon's and Pushwire's keys: " + row);
                assertNull(defaults.put(key, row.get(1)), key + " has two rows");
            }
        }
        return defaults;
    }

    private static Map<String, Setting<?>> settings() {
        Map<String, Setting<?>> byKey = new TreeMap<>();
        PushwireSettings.ALL.forEach(setting -> assertNull(byKey.put(setting.key(), setting),
                setting + " is defined twice"));
        return byKey;
    }

    @Test
    void everyDocumentedKeyIsASettingAndEverySettingIsDocumented() {
        Set<String> documented = documented().keySet();
        Set<String> defined = settings().keySet();
        assertEquals(Set.of(), difference(documented, defined), "in the README's table, without a Setting");
        assertEquals(Set.of(), difference(defined, documented), "Settings missing from the README's table");
    }

    private static Set<String> difference(Set<String> these, Set<String> those) {
        Set<String> left = new TreeSet<>(these);
        left.removeAll(those);
        return left;
    }

    @Test
    void eachRowGivesItsSettingsDefault() {
        Map<String, String> documented = documented();
        for (Setting<?> setting : PushwireSettings.ALL) {
            String text = setting.defaultText();
            if (text.equals(PER_EXCHANGE) || text.equals(CHANNEL_RULES)) {
                continue;
            }
            assertEquals(text, documented.getOrDefault(setting.key(), "(no row)").replace("`", ""), setting.key());
        }
    }

    @Test
    void channelPatternDefaultsAreThoseOfChannelRules() {
        Map<String, String> documented = documented();
        ChannelRules defaults = ChannelRules.defaults();
        List<String> conflatable = Markdown.code(documented.getOrDefault(ServerConfig.CONFLATABLE.key(), ""));
        assertFalse(conflatable.isEmpty());
        for (String pattern : conflatable) {
            assertTrue(defaults.policyFor(channelOf(pattern)).conflatable(), pattern);
        }
        List<String> priorities = Markdown.code(documented.getOrDefault(ServerConfig.CHANNEL_PRIORITY.key(), ""));
        assertFalse(priorities.isEmpty());
        for (String entry : priorities) {
            String pattern = entry.substring(0, entry.indexOf('='));
            ChannelPolicy policy = defaults.policyFor(channelOf(pattern));
            assertEquals(Lane.ofChannel(entry.substring(entry.indexOf('=') + 1)), policy.lane(), entry);
            assertEquals(conflatable.contains(pattern), policy.conflatable(), entry);
        }
        assertEquals(new ChannelPolicy(Lane.NORMAL, false), defaults.policyFor("app.orders"),
                "a channel that no pattern matches");
    }

    /** A channel that {@code pattern} matches, and that no more specific pattern does. */
    private static String channelOf(String pattern) {
        return pattern.replace("*", "x");
    }

    @Test
    void everySettingOfEveryOwnerIsListed() throws IllegalAccessException {
        List<Class<?>> owners = List.of(ServerConfig.class, SimulatedFeedConfig.class, UpstreamFeedConfig.class,
                PushwireSettings.class);
        for (Class<?> owner : owners) {
            for (Field field : owner.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == Setting.class) {
                    field.setAccessible(true);
                    Object setting = field.get(null);
                    assertTrue(PushwireSettings.ALL.contains(setting), owner.getSimpleName() + "." + field.getName()
                            + " is not in PushwireSettings.ALL");
                }
            }
        }
    }
}
