package io.pushwire.server.core;

/**
 * How many connections a process may hold, from its open-file limit: every TCP connection is a file
 * descriptor, and so are the server's jars, its upstream feeds, its Redis connections and its logs. The
 * web server's cap on TCP connections of any kind (upgrade requests still being read included) leaves
 * room for those; Pushwire's own cap on WebSocket connections sits below it, so that an over-limit client
 * is told 4002 and health checks and the HTTP API still get a socket.
 *
 * @param openFileLimit the process's limit on open files
 * @param tcpConnections {@code server.max-tcp-connections}: the limit less what is kept back
 * @param webSocketConnections {@code pushwire.limits.max-connections}
 */
public record ConnectionBudget(long openFileLimit, long tcpConnections, long webSocketConnections) {
    /** Files every process needs whatever its load: jars, the JDK's own, epoll, logs, feeds and Redis. */
    static final long KEPT_FIXED = 512;
    /** And a share of the limit on top, for the rest (a few per feed, two per Redis node, temporary files). */
    static final long KEPT_SHARE = 20;
    /** Sockets above the WebSocket cap, for health checks, metrics scrapes and the HTTP API. */
    static final long FOR_HTTP = 128;
    /** Never fewer than this, on however small a limit. */
    static final long MINIMUM = 64;

    public static ConnectionBudget fromOpenFileLimit(long openFileLimit) {
        long tcp = Math.max(MINIMUM, openFileLimit - KEPT_FIXED - openFileLimit / KEPT_SHARE);
        return new ConnectionBudget(openFileLimit, tcp, webSocketsBelow(tcp));
    }

    /** The WebSocket cap under a TCP cap, whether drawn from the limit or configured. */
    public static long webSocketsBelow(long tcpConnections) {
        return Math.max(MINIMUM / 2, tcpConnections - FOR_HTTP);
    }

    /** What the budget keeps back for everything that is not a connection. */
    public long kept() {
        return openFileLimit - tcpConnections;
    }
}
