package io.pushwire.server.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which browser pages may open a WebSocket here: the {@code Origin} check that stops a page on another
 * site from riding a user's network position or cookies (cross-site WebSocket hijacking). Browsers
 * always send {@code Origin} on a WebSocket upgrade; other clients (the SDK, servers) need not, and a
 * request without one is not a browser's and is let through.
 *
 * <p>Entries ({@code pushwire.security.allowed-origins}): {@code same-origin} (the page came from this
 * server: the origin's host and port are the request's {@code Host}, and over TLS its scheme is
 * {@code https}), {@code localhost} (any port of localhost, 127.0.0.1 or [::1], for development),
 * {@code *} (any), or an origin written out, such as {@code https://app.example.com} (scheme, host and
 * port compared exactly; default ports may be left out), or with a leading wildcard label,
 * {@code https://*.example.com}.
 */
public final class OriginPolicy {
    public static final List<String> DEFAULT = List.of("same-origin", "localhost");

    private final boolean any;
    private final boolean sameOrigin;
    private final boolean localhost;
    private final List<Origin> listed;

    private record Origin(String scheme, String host, int port, boolean wildcard) {
        boolean matches(Origin other) {
            if (!scheme.equals(other.scheme) || port != other.port) {
                return false;
            }
            return wildcard ? other.host.endsWith("." + host) : host.equals(other.host);
        }
    }

    public OriginPolicy(List<String> entries) {
        boolean anyOrigin = false;
        boolean same = false;
        boolean local = false;
        List<Origin> origins = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw.trim();
            switch (entry.toLowerCase(Locale.ROOT)) {
                case "*" -> anyOrigin = true;
                case "same-origin" -> same = true;
                case "localhost" -> local = true;
                default -> {
                    Origin origin = parse(entry.replace("://*.", "://wildcard."));
                    if (origin == null) {
                        throw new IllegalArgumentException("pushwire.security.allowed-origins: '" + entry
                                + "' is not an origin such as https://app.example.com, nor same-origin, localhost or *");
                    }
                    boolean wildcard = entry.contains("://*.");
                    origins.add(new Origin(origin.scheme, wildcard ? origin.host.substring("wildcard.".length())
                            : origin.host, origin.port, wildcard));
                }
            }
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("pushwire.security.allowed-origins must name at least one entry");
        }
        this.any = anyOrigin;
        this.sameOrigin = same;
        this.localhost = local;
        this.listed = List.copyOf(origins);
    }

    /**
     * Whether an upgrade with this {@code Origin} (null when absent) and {@code Host} header is allowed;
     * {@code secure} when the request came over TLS to this server.
     */
    public boolean allows(String originHeader, String hostHeader, boolean secure) {
        if (originHeader == null || any) {
            return true;
        }
        Origin origin = parse(originHeader.trim());
        if (origin == null) {
            return false; // "null" (sandboxed frames, file://) or garbage: no page we can vouch for
        }
        if (localhost && isLoopback(origin.host)) {
            return true;
        }
        if (sameOrigin && hostHeader != null && sameScheme(origin, secure)
                && sameHostAndPort(origin, hostHeader.trim().toLowerCase(Locale.ROOT))) {
            return true;
        }
        return listed.stream().anyMatch(allowed -> allowed.matches(origin));
    }

    /**
     * Over TLS the server's own pages are {@code https} pages: an {@code http} page of the same host is
     * another origin, one that anyone on the network path can write script into. Over a plain connection
     * either scheme passes, since a proxy that terminates TLS forwards an {@code https} page's upgrade
     * as plain HTTP.
     */
    private static boolean sameScheme(Origin origin, boolean secure) {
        return !secure || origin.scheme.equals("https");
    }

    private static boolean sameHostAndPort(Origin origin, String host) {
        String expected = origin.host.contains(":") ? "[" + origin.host + "]" : origin.host;
        int defaultPort = origin.scheme.equals("https") ? 443 : 80;
        return host.equals(expected + ":" + origin.port) || (origin.port == defaultPort && host.equals(expected));
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1");
    }

    /** {@code scheme://host[:port]} with nothing else, or null. */
    private static Origin parse(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme == null || uri.getHost() == null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                    || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
                return null;
            }
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return null;
            }
            String host = uri.getHost().toLowerCase(Locale.ROOT);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            return new Origin(scheme, host, port, false);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
