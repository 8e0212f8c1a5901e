package io.pushwire.server.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The connections open on this node, and the limits on how many: in all, and per peer host (clients
 * behind one NAT share a host). Counts opens and closes.
 */
final class OpenConnections {
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    /** Open connections per peer host, for the per-address limit; a host leaves at zero. */
    private final ConcurrentHashMap<String, Integer> byHost = new ConcurrentHashMap<>();
    private final int max;
    private final int maxPerHost;
    private final ServerCounters counters;

    OpenConnections(int max, int maxPerHost, ServerCounters counters) {
        this.max = max;
        this.maxPerHost = maxPerHost;
        this.counters = counters;
    }

    /** Adds a connection; returns why it is over a limit (it must then be refused), or null. */
    String add(Connection connection) {
        open.add(connection);
        int fromHost = byHost.merge(connection.remoteHost(), 1, Integer::sum);
        counters.connectionOpened();
        if (open.size() > max) {
            return "the server holds its maximum of " + max + " connections";
        }
        if (fromHost > maxPerHost) {
            return connection.remoteHost() + " holds the maximum of " + maxPerHost + " connections per address";
        }
        return null;
    }

    /** A connection ended with {@code code}; counted once, whoever calls first. */
    void remove(Connection connection, int code) {
        if (open.remove(connection)) {
            counters.connectionClosed(code);
            byHost.computeIfPresent(connection.remoteHost(), (host, count) -> count > 1 ? count - 1 : null);
        }
    }

    void forEach(Consumer<Connection> action) {
        open.forEach(action);
    }

    int size() {
        return open.size();
    }

    /** Encoded JSON waiting in every connection's outbound queue. */
    long queuedBytes() {
        long total = 0;
        for (Connection connection : open) {
            total += connection.queuedBytes();
        }
        return total;
    }
}
