package io.pushwire.server.core;

import io.pushwire.protocol.Channels;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Who a session is and what it may do: the subject a token names (null for an anonymous session), the
 * channel patterns it may subscribe to and publish on ({@code *} matches any characters), and when its
 * credentials expire. A session's own {@code $me} is always allowed; other {@code $} channels never are.
 *
 * @param subject     the token's {@code sub}; null when anonymous
 * @param expiresAtMs when the server stops honouring the token (its expiry, plus any clock skew allowed),
 *                    epoch ms; {@link Long#MAX_VALUE} for never
 */
public record Principal(String subject, List<String> subscribe, List<String> publish, long expiresAtMs) {
    /** Without authentication: read-only on every public channel, forever. */
    public static final Principal ANONYMOUS = new Principal(null, List.of("*"), List.of(), Long.MAX_VALUE);

    /**
     * Who a stored session belonged to, restored on another node: its subject and expiry, and no
     * permissions until a hello proves them again (a resume always starts with one).
     */
    static Principal restored(String subject, long expiresAtMs) {
        return new Principal(subject, List.of(), List.of(), expiresAtMs);
    }

    public Principal {
        subscribe = List.copyOf(subscribe);
        publish = List.copyOf(publish);
    }

    public boolean maySubscribe(String channel) {
        return Channels.ME.equals(channel) || (!channel.startsWith("$") && anyMatches(subscribe, channel));
    }

    public boolean mayPublish(String channel) {
        return !channel.startsWith("$") && anyMatches(publish, channel);
    }

    private static boolean anyMatches(List<String> patterns, String channel) {
        for (String pattern : patterns) {
            if (glob(pattern).matcher(channel).matches()) {
                return true;
            }
        }
        return false;
    }

    /** {@code sim.trades.*} as a regex: every character literal but {@code *}. */
    static Pattern glob(String pattern) {
        return Pattern.compile(Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote)
                .collect(Collectors.joining(".*")));
    }
}
