package io.pushwire.server.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Channel policies by name pattern, from {@code pushwire.channels.priority.<pattern>} and
 * {@code pushwire.channels.conflatable}. A pattern is a channel name in which {@code *} stands for any
 * run of characters ({@code *.trades.*}); when several match, the most specific one (most literal
 * characters) decides. Unmatched channels are {@code normal} and not conflatable.
 */
public final class ChannelRules {
    private final List<Rule<Lane>> priorities;
    private final List<Rule<Boolean>> conflatable;

    private record Rule<T>(String pattern, Pattern regex, int literals, T value) {
        static <T> Rule<T> of(String pattern, T value) {
            if (pattern.isBlank()) {
                throw new IllegalArgumentException("empty channel pattern");
            }
            // Split keeping empty ends: "*.trades.*" is ["", ".trades.", ""], joined by ".*".
            String regex = Arrays.stream(pattern.split("\\*", -1))
                    .map(part -> part.isEmpty() ? "" : Pattern.quote(part))
                    .collect(Collectors.joining(".*"));
            return new Rule<>(pattern, Pattern.compile(regex), pattern.replace("*", "").length(), value);
        }

        boolean matches(String channel) {
            return regex.matcher(channel).matches();
        }
    }

    private ChannelRules(Builder builder) {
        this.priorities = rules(builder.priorities);
        this.conflatable = rules(builder.conflatable);
    }

    private static <T> List<Rule<T>> rules(Map<String, T> byPattern) {
        List<Rule<T>> rules = new ArrayList<>();
        byPattern.forEach((pattern, value) -> rules.add(Rule.of(pattern, value)));
        return List.copyOf(rules);
    }

    /** Trades high, tickers normal and conflatable. */
    public static ChannelRules defaults() {
        return builder().build();
    }

    /** Starts from the defaults; later settings for the same pattern replace them. */
    public static Builder builder() {
        return new Builder();
    }

    /** The policy of one channel. */
    public ChannelPolicy policyFor(String channel) {
        return new ChannelPolicy(mostSpecific(priorities, channel, Lane.NORMAL),
                mostSpecific(conflatable, channel, false));
    }

    private static <T> T mostSpecific(List<Rule<T>> rules, String channel, T otherwise) {
        Rule<T> best = null;
        for (Rule<T> rule : rules) {
            if (rule.matches(channel) && (best == null || rule.literals() > best.literals())) {
                best = rule;
            }
        }
        return best == null ? otherwise : best.value();
    }

    /** Builds {@link ChannelRules}. */
    public static final class Builder {
        private final Map<String, Lane> priorities = new LinkedHashMap<>();
        private final Map<String, Boolean> conflatable = new LinkedHashMap<>();

        private Builder() {
            priorities.put("*.trades.*", Lane.HIGH);
            priorities.put("*.ticker.*", Lane.NORMAL);
            conflatable.put("*.ticker.*", true);
        }

        public Builder priority(String pattern, Lane priority) {
            new ChannelPolicy(priority, false); // refuses CONTROL
            priorities.put(pattern, priority);
            return this;
        }

        /** Replaces the conflatable patterns (the default is {@code *.ticker.*}); none disables it. */
        public Builder conflatable(List<String> patterns) {
            conflatable.clear();
            patterns.forEach(pattern -> conflatable.put(pattern, true));
            return this;
        }

        public ChannelRules build() {
            return new ChannelRules(this);
        }
    }
}
