package io.pushwire.server.boot;

import io.pushwire.server.core.Setting;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.eclipse.microprofile.config.Config;

/**
 * Finds configured {@code pushwire.*} keys that no setting reads, such as a misspelt
 * {@code pushwire.feeds.simulated.rte}, which would otherwise be ignored in silence, and names the known
 * key closest to each.
 */
final class UnknownSettings {
    private static final Logger LOG = System.getLogger(UnknownSettings.class.getName());
    private static final String PREFIX = "pushwire.";
    private static final Pattern PLACEHOLDER = Pattern.compile("<[^>]+>");

    private final List<String> known;
    private final List<Pattern> patterns;

    UnknownSettings(List<String> knownKeys) {
        this.known = List.copyOf(knownKeys);
        this.patterns = known.stream().map(UnknownSettings::pattern).toList();
    }

    /** Logs a warning for each unknown {@code pushwire.*} key in {@code config}. */
    static void warnAbout(Config config) {
        UnknownSettings settings = new UnknownSettings(PushwireSettings.ALL.stream().map(Setting::key).toList());
        List<String> names = StreamSupport.stream(config.getPropertyNames().spliterator(), false).toList();
        settings.warnings(names).forEach(warning -> LOG.log(Level.WARNING, warning));
    }

    /** One line per unknown {@code pushwire.*} name, in the names' order. */
    List<String> warnings(List<String> names) {
        List<String> warnings = new ArrayList<>();
        for (String name : names) {
            if (name.startsWith(PREFIX) && patterns.stream().noneMatch(p -> p.matcher(name).matches())) {
                warnings.add("unknown setting " + name + " is ignored; did you mean " + closest(name) + "?");
            }
        }
        return warnings;
    }

    /** The known key nearest to {@code name} by edit distance, its placeholder filled from {@code name}. */
    String closest(String name) {
        return known.stream().map(key -> filledFrom(key, name))
                .min(Comparator.comparingInt((String key) -> distance(key, name)).thenComparing(key -> key))
                .orElseThrow();
    }

    /**
     * {@code key} with its placeholder replaced by the segment of {@code name} at the same position, so
     * that {@code pushwire.feeds.okx.enabeld} is compared with {@code pushwire.feeds.okx.enabled}.
     */
    private static String filledFrom(String key, String name) {
        String[] keySegments = key.split("\\.");
        String[] nameSegments = name.split("\\.");
        for (int i = 0; i < keySegments.length; i++) {
            if (PLACEHOLDER.matcher(keySegments[i]).matches()) {
                keySegments[i] = i < nameSegments.length ? nameSegments[i] : keySegments[i];
            }
        }
        return String.join(".", keySegments);
    }

    /** A placeholder matches one segment, or the whole rest when it ends the key (channel patterns hold dots). */
    private static Pattern pattern(String key) {
        StringBuilder regex = new StringBuilder();
        var matcher = PLACEHOLDER.matcher(key);
        int from = 0;
        while (matcher.find()) {
            regex.append(Pattern.quote(key.substring(from, matcher.start())));
            regex.append(matcher.end() == key.length() ? ".+" : "[^.]+");
            from = matcher.end();
        }
        regex.append(Pattern.quote(key.substring(from)));
        return Pattern.compile(regex.toString());
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
