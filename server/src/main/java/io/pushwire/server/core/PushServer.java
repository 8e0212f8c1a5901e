package io.pushwire.server.core;

import io.pushwire.protocol.CloseCode;
import io.github.bucket4j.TimeMeter;
import io.pushwire.protocol.FrameCodec;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The push core in plain Java: hub, sessions and connections, with no framework in sight. A WebSocket
 * adapter calls {@link #open} for each new transport and feeds the returned {@link Connection}.
 */
public final class PushServer implements AutoCloseable {
    /** How often unused channels are looked for. */
    static final long CHANNEL_SWEEP_MS = 10_000;
    /** How long a channel with no subscriber and no history stays, in case it is used again. */
    static final long CHANNEL_IDLE_MS = 60_000;
    private final ServerConfig config;
    private final FrameCodec codec;
    private final InstantSource clock;
    private final TimeMeter timeMeter;
    /** Serialises sweeps (the timer's and a test's), so that one connection is never checked twice at once. */
    private final ReentrantLock sweepLock = new ReentrantLock();
    private final ServerCounters counters = new ServerCounters();
    private final Hub hub;
    private final HandshakeLimiter handshakes;
    private final SessionRegistry sessions;
    private volatile boolean draining;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    /** Open connections per peer host, for the per-address limit; a host leaves at zero. */
    private final ConcurrentHashMap<String, Integer> connectionsByHost = new ConcurrentHashMap<>();
    /** One short-lived virtual thread per drain: a blocked write parks only its own connection. */
    private final ExecutorService writer;
    /** Runs the periodic sweeps; null when a test drives time through {@link #scheduler}. */
    private final ScheduledExecutorService timers;
    /** Delayed work of connections and queues: hello deadlines, conflation intervals, close timeouts, expiry. */
    private final Scheduler scheduler;

    public PushServer(ServerConfig config, FrameCodec codec, InstantSource clock) {
        this(config, codec, clock, Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("pushwire-writer-", 0).factory()),
                null);
    }

    /**
     * A server whose writes run on {@code writer} and, when {@code scheduler} is given, whose delayed work
     * runs on it instead of a timer thread, with no periodic sweeps: a test then decides when anything
     * happens (it calls {@link #sweepHeartbeats()} and {@link #expireSessions()} itself), so that a seeded
     * run replays exactly.
     */
    PushServer(ServerConfig config, FrameCodec codec, InstantSource clock, ExecutorService writer, Scheduler scheduler) {
        this.writer = writer;
        this.timers = scheduler == null ? Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("pushwire-timers").daemon().factory()) : null;
        this.scheduler = scheduler == null ? this::scheduleOnTimers : scheduler;
        this.config = config;
        this.codec = codec;
        this.clock = clock;
        this.timeMeter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return TimeUnit.MILLISECONDS.toNanos(clock.millis());
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
        this.hub = new Hub(codec, clock, counters, config.history(), config.channels(), config.maxChannels());
        this.sessions = new SessionRegistry(codec, clock, config.maxPendingMe(), config.sessionTtlMs());
        this.handshakes = new HandshakeLimiter(config.handshakesPerSecond(), timeMeter);
        if (timers != null) {
            long expiryMs = Math.max(10, Math.min(1_000, config.sessionTtlMs() / 10));
            timers.scheduleWithFixedDelay(this::expireSessions, expiryMs, expiryMs, TimeUnit.MILLISECONDS);
            timers.scheduleWithFixedDelay(handshakes::evictIdle, 5, 5, TimeUnit.SECONDS);
            long sweepMs = heartbeatSweepMs(config);
            timers.scheduleWithFixedDelay(this::sweepHeartbeats, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
            timers.scheduleWithFixedDelay(this::retireUnusedChannels, CHANNEL_SWEEP_MS, CHANNEL_SWEEP_MS,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Often enough that pings and timeouts are late by at most a fifth of the timeout, at most 1 s. */
    static long heartbeatSweepMs(ServerConfig config) {
        return Math.max(10, Math.min(1_000, Math.min(config.heartbeatIntervalMs(), config.heartbeatTimeoutMs()) / 5));
    }

    /** Runs one heartbeat check over every connection. Never throws: the timer would stop for good. */
    void sweepHeartbeats() {
        sweepLock.lock();
        try {
            sweepEach(clock.millis());
        } finally {
            sweepLock.unlock();
        }
    }

    private void sweepEach(long now) {
        for (Connection connection : connections) {
            try {
                connection.heartbeat(now);
            } catch (RuntimeException e) {
                System.getLogger(PushServer.class.getName()).log(System.Logger.Level.ERROR, "heartbeat check failed", e);
            }
        }
    }

    /**
     * Whether a browser page from {@code origin} may connect to {@code host}, over TLS when {@code secure}
     * (see {@link OriginPolicy}); refusals are counted.
     */
    public boolean admitOrigin(String origin, String host, boolean secure) {
        boolean allowed = config.origins().allows(origin, host, secure);
        if (!allowed) {
            counters.originRejected();
        }
        return allowed;
    }

    /**
     * Asks whether a WebSocket handshake from {@code remoteAddress} may proceed; the adapter asks before
     * the upgrade and answers a refusal with HTTP 429 and {@code Retry-After}.
     */
    public HandshakeLimiter.Decision admitHandshake(String remoteAddress) {
        HandshakeLimiter.Decision decision = handshakes.admit(remoteAddress);
        if (!decision.allowed()) {
            counters.handshakeRejected();
        }
        return decision;
    }

    /**
     * Drops client-created channels that nobody uses: no session subscribed, no history left, and idle for
     * {@link #CHANNEL_IDLE_MS}. Never throws: the timer would stop for good.
     */
    void retireUnusedChannels() {
        try {
            counters.channelsRetired(hub.retireUnused(sessions.subscribedChannels(), clock.millis(), CHANNEL_IDLE_MS));
        } catch (RuntimeException e) {
            System.getLogger(PushServer.class.getName()).log(System.Logger.Level.ERROR, "channel sweep failed", e);
        }
    }

    /** Ends detached sessions whose TTL is over. Never throws: the timer would stop for good. */
    void expireSessions() {
        try {
            counters.sessionsExpired(sessions.expireIdle(clock.millis()));
        } catch (RuntimeException e) {
            System.getLogger(PushServer.class.getName()).log(System.Logger.Level.ERROR, "session expiry failed", e);
        }
    }

    /**
     * Publishes {@code data} on one session's {@code $me} channel, attached or not; while it is detached
     * the event waits in the channel's history for the resume. Empty when there is no such session.
     */
    public Optional<Published> pushToSession(String clientId, JsonNode data) {
        return sessions.byId(clientId).map(session -> {
            // Detached, $me holds what the session has not been sent yet: when full, the next push drops its
            // oldest, which the client will see as a history_expired gap on resume, unless it was written.
            long dropped = session.outbound() == null ? session.me().seqDroppedByNextPublish() : 0;
            boolean dropsOne = dropped > session.meWrittenSeq();
            Published published = hub.publish(session.me(), data);
            if (dropsOne) {
                counters.pendingMeDropped();
            }
            return published;
        });
    }

    /** Whether a shutdown drain has begun: new handshakes are refused, readiness is down. */
    public boolean isDraining() {
        return draining;
    }

    /**
     * Starts a graceful shutdown: refuses new handshakes and tells every connection to reconnect (with
     * resume) after a random delay within {@code drain.spread-ms}, so that clients do not all come back
     * at once. Returns at once; {@link #close} later closes what is left with 1001.
     */
    public void drain() {
        draining = true;
        long spread = config.drainSpreadMs();
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (Connection connection : connections) {
            if (connection.goaway("server shutting down", random.nextLong(spread + 1))) {
                counters.goawaySent();
            }
        }
    }

    /** Accepts a new transport; the connection must say hello within the hello timeout. */
    public Connection open(Transport transport) {
        Connection connection = new Connection(this, transport);
        connections.add(connection);
        int fromHost = connectionsByHost.merge(connection.remoteHost(), 1, Integer::sum);
        counters.connectionOpened();
        if (connections.size() > config.maxConnections()) {
            refuse(connection, "the server holds its maximum of " + config.maxConnections() + " connections");
        } else if (fromHost > config.maxConnectionsPerAddress()) {
            refuse(connection, connection.remoteHost() + " holds the maximum of " + config.maxConnectionsPerAddress()
                    + " connections per address");
        } else {
            scheduler.schedule(connection::helloDeadlinePassed, config.helloTimeoutMs());
        }
        return connection;
    }

    /** Over a connection limit: close 4002, which tells the client to come back later, with backoff. */
    private void refuse(Connection connection, String why) {
        counters.connectionRefused();
        connection.close(CloseCode.OVERLOADED, "connection limit: " + why + "; retry later");
    }

    public Hub hub() {
        return hub;
    }

    public ServerCounters counters() {
        return counters;
    }

    public ServerConfig config() {
        return config;
    }

    /** Open WebSocket connections, with or without a session. */
    public int connectionCount() {
        return connections.size();
    }

    /** Encoded JSON waiting in every connection's outbound queue (characters, equal to bytes for ASCII). */
    public long queuedBytes() {
        long total = 0;
        for (Connection connection : connections) {
            total += connection.queuedBytes();
        }
        return total;
    }

    /**
     * A page of the sessions, oldest first: {@code limit} of them from {@code offset}, with the total,
     * so that an operator can page through thousands.
     */
    public SessionPage sessions(int offset, int limit) {
        List<SessionView> all = sessions.views();
        int from = Math.min(Math.max(0, offset), all.size());
        int to = Math.min(all.size(), from + Math.max(0, limit));
        return new SessionPage(all.size(), from, List.copyOf(all.subList(from, to)));
    }

    /** A page of {@link #sessions(int, int)}. */
    public record SessionPage(int total, int offset, List<SessionView> sessions) {
    }

    /** Sessions that completed their hello, attached or kept for a resume. */
    public int sessionCount() {
        return sessions.size();
    }

    /** Sessions with a connection right now. */
    public int attachedSessionCount() {
        return sessions.attachedCount();
    }

    /** Closes every connection with 1001 and stops the writer. */
    @Override
    public void close() {
        for (Connection connection : connections) {
            connection.close(CloseCode.GOING_AWAY, "server shutting down");
        }
        if (timers != null) {
            timers.shutdownNow();
        }
        writer.shutdown();
        try {
            writer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    FrameCodec codec() {
        return codec;
    }

    InstantSource clock() {
        return clock;
    }

    /** The clock in Bucket4j's terms, so that limits follow the same (injectable) time as everything else. */
    TimeMeter timeMeter() {
        return timeMeter;
    }

    /** Timers for connections and outbound queues; a task scheduled after {@link #close} never runs. */
    Scheduler scheduler() {
        return scheduler;
    }

    private void scheduleOnTimers(Runnable task, long delayMs) {
        try {
            timers.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // Shutting down: the connection is closing too.
        }
    }

    SessionRegistry sessions() {
        return sessions;
    }

    ExecutorService writer() {
        return writer;
    }

    void connectionClosed(Connection connection, int code) {
        if (connections.remove(connection)) {
            counters.connectionClosed(code);
            connectionsByHost.computeIfPresent(connection.remoteHost(), (host, count) -> count > 1 ? count - 1 : null);
        }
    }
}
