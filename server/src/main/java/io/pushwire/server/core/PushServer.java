package io.pushwire.server.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.bucket4j.TimeMeter;
import io.pushwire.protocol.CloseCode;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.server.broker.Broker;
import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.broker.LeaseStore;
import io.pushwire.server.broker.MemoryBroker;
import io.pushwire.server.broker.StreamRead;
import io.pushwire.server.store.MemorySessionStore;
import io.pushwire.server.store.SessionStore;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The push core in plain Java: hub, sessions and connections, with no framework in sight. A WebSocket
 * adapter calls {@link #open} for each new transport and feeds the returned {@link Connection}. Channels'
 * streams live in a {@link Broker} and sessions' records in a {@link SessionStore}; both are in memory
 * unless given.
 */
public final class PushServer implements AutoCloseable {
    /** How often unused channels are looked for. */
    static final long CHANNEL_SWEEP_MS = 10_000;
    /** How long a channel with no subscriber and no history stays, in case it is used again. */
    static final long CHANNEL_IDLE_MS = 60_000;
    private static final System.Logger LOG = System.getLogger(PushServer.class.getName());

    private final ServerConfig config;
    private final InstantSource clock;
    private final ServerCounters counters = new ServerCounters();
    private final Broker broker;
    private final SessionStore store;
    private final Hub hub;
    private final HandshakeLimiter handshakes;
    private final SessionRegistry sessions;
    private final OpenConnections connections;
    private final ConnectionServices services;
    private final Connection.Handlers handlers;
    private volatile boolean draining;
    /** One short-lived virtual thread per drain: a blocked write parks only its own connection. */
    private final ExecutorService writer;
    /** The periodic sweeps, and the delayed work of connections and queues. */
    private final ServerTimers timers;

    public PushServer(ServerConfig config, FrameCodec codec, InstantSource clock) {
        this(config, codec, clock, new MemoryBroker(codec, clock, config.history(), config.inboxHistory()),
                new MemorySessionStore(clock, config.sessionTtlMs()));
    }

    /** A server whose channels live in {@code broker} and whose sessions are kept in {@code store}. */
    public PushServer(ServerConfig config, FrameCodec codec, InstantSource clock, Broker broker, SessionStore store) {
        this(config, codec, clock, broker, store,
                new WriterThreads("pushwire-writer"), null);
    }

    /**
     * A server whose writes run on {@code writer} and, when {@code scheduler} is given, whose delayed work
     * runs on it instead of a timer thread, with no periodic sweeps: a test then decides when anything
     * happens (it calls {@link #sweepHeartbeats()} and {@link #expireSessions()} itself), so that a seeded
     * run replays exactly.
     */
    PushServer(ServerConfig config, FrameCodec codec, InstantSource clock, ExecutorService writer, Scheduler scheduler) {
        this(config, codec, clock, new MemoryBroker(codec, clock, config.history(), config.inboxHistory()),
                new MemorySessionStore(clock, config.sessionTtlMs()), writer, scheduler);
    }

    /** As the one above, over {@code broker} and {@code store}: a test can then stop either at a chosen moment. */
    PushServer(ServerConfig config, FrameCodec codec, InstantSource clock, Broker broker, SessionStore store,
               ExecutorService writer, Scheduler scheduler) {
        this.config = config;
        this.clock = clock;
        this.broker = broker;
        this.store = store;
        this.writer = writer;
        this.timers = new ServerTimers(scheduler);
        TimeMeter timeMeter = ServerTimers.timeMeter(clock);
        this.hub = new Hub(broker, codec, clock, counters, config.channels(), config.maxChannels());
        this.sessions = new SessionRegistry(store, hub, clock, config.sessionTtlMs(),
                record -> new InboundLimiter(config.inboundRatePerSec(), config.inboundBurst(), config.abuseFactor(),
                        timeMeter, record.inboundBucket()));
        this.handshakes = new HandshakeLimiter(config.handshakesPerSecond(), timeMeter, broker.sharedBuckets());
        this.connections = new OpenConnections(config.maxConnections(), config.maxConnectionsPerAddress(), counters);
        this.services = new ConnectionServices(config, codec, clock, timeMeter, counters, timers.scheduler(), writer,
                hub, sessions, connections);
        TokenExpiry tokens = new TokenExpiry(services);
        this.handlers = new Connection.Handlers(new HelloHandler(services, tokens), new ChannelRequests(services), tokens);
        long expiryMs = Math.max(10, Math.min(1_000, config.sessionTtlMs() / 10));
        // Both touch the session store, which may be Redis: off the timer thread, so that a slow store does not
        // hold back heartbeats.
        timers.every(expiryMs, offTimer("pushwire-session-expiry", this::expireSessions));
        timers.every(Math.max(10, config.sessionTtlMs() / 4), offTimer("pushwire-session-keep", this::keepSessionsAttached));
        timers.every(5_000, handshakes::evictIdle);
        timers.every(heartbeatSweepMs(config), this::sweepHeartbeats);
        timers.every(CHANNEL_SWEEP_MS, this::retireUnusedChannels);
    }

    /** Often enough that pings and timeouts are late by at most a fifth of the timeout, at most 1 s. */
    static long heartbeatSweepMs(ServerConfig config) {
        return Math.max(10, Math.min(1_000, Math.min(config.heartbeatIntervalMs(), config.heartbeatTimeoutMs()) / 5));
    }

    /** Runs one heartbeat check over every connection. Never throws: the timer would stop for good. */
    void sweepHeartbeats() {
        timers.sweepSerially(() -> {
            long now = clock.millis();
            connections.forEach(connection -> {
                try {
                    connection.heartbeat(now);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "heartbeat check failed", e);
                }
            });
        });
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
            LOG.log(System.Logger.Level.ERROR, "channel sweep failed", e);
        }
    }

    /** {@code task} on a virtual thread of its own, skipped while its previous run is still going. */
    private static Runnable offTimer(String name, Runnable task) {
        AtomicBoolean running = new AtomicBoolean();
        return () -> {
            if (running.compareAndSet(false, true)) {
                Thread.ofVirtual().name(name).start(() -> {
                    try {
                        task.run();
                    } finally {
                        running.set(false);
                    }
                });
            }
        };
    }

    /** Tells the store which sessions this node holds attached (see {@link SessionStore#keepAttached}). */
    void keepSessionsAttached() {
        try {
            store.keepAttached(sessions.attachedIds());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "renewing attached sessions in the store failed: " + e.getMessage());
        }
    }

    /** Ends detached sessions whose TTL is over. Never throws: the timer would stop for good. */
    void expireSessions() {
        try {
            counters.sessionsExpired(sessions.expireIdle(clock.millis()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "session expiry failed", e);
        }
    }

    /** The leases that decide which node runs each feed. */
    public LeaseStore leases() {
        return broker.leases();
    }

    /** Resumes on this node of a session another node held, since start. */
    public long crossNodeResumes() {
        return sessions.crossNodeResumes();
    }

    /** Connections closed with 4003 because a resume on another node took their session, since start. */
    public long sessionsTakenByOtherNodes() {
        return sessions.takenOverByOtherNodes();
    }

    /** Entries read back from the broker because live delivery lost them (see {@link Broker#repairedEntries}). */
    public long brokerRepairedEntries() {
        return broker.repairedEntries();
    }

    /** Why the broker cannot be used now (readiness is DOWN then), or empty while it can. */
    public Optional<String> brokerUnavailable() {
        return broker.unavailable();
    }

    /**
     * Publishes {@code data} on one session's {@code $me} channel, attached or not; while it is detached
     * the event waits in the channel's history for the resume. Empty when there is no such session, or it
     * ended meanwhile.
     */
    public Optional<Published> pushToSession(String clientId, JsonNode data) {
        Optional<ClientSession> held = sessions.byId(clientId);
        if (held.isEmpty()) {
            return pushToStoredSession(clientId, data);
        }
        // Unless the session ended since it was found: its $me is dropped then, and must not be made anew.
        return held.flatMap(session -> session.unlessEnded(() -> {
            boolean detached = session.outbound() == null;
            return pushToInbox(session.inbox(), data, detached, detached ? session.meWrittenSeq() : 0);
        }));
    }

    /**
     * A push to a session this node does not hold, but the shared store has: held by another node, or
     * detached from one that died. Its {@code $me} lives in the broker, where the holder (or the node that
     * resumes it) reads it.
     */
    private Optional<Published> pushToStoredSession(String clientId, JsonNode data) {
        return sessions.storedElsewhere(clientId).map(record -> pushToInbox(
                ChannelRoute.inbox(ChannelKey.inboxKeyed(record.inbox())), data, record.detached(), record.meWrittenSeq()));
    }

    /**
     * Publishes on a session's {@code $me}. Detached, {@code $me} holds what the session has not been sent
     * yet: when full, the push drops its oldest, which the client will see as a history_expired gap on
     * resume unless it was written ({@code meWrittenSeq}); that is counted.
     */
    private Published pushToInbox(ChannelRoute inbox, JsonNode data, boolean detached, long meWrittenSeq) {
        boolean dropsOne = false;
        if (detached) {
            StreamRead held = broker.read(inbox.key(), null);
            dropsOne = held.held() >= config.maxPendingMe() && held.firstHeld() > meWrittenSeq;
        }
        Published published = hub.publish(inbox, data);
        if (dropsOne) {
            counters.pendingMeDropped();
        }
        return published;
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
        ThreadLocalRandom random = ThreadLocalRandom.current();
        connections.forEach(connection -> {
            if (connection.goaway("server shutting down", random.nextLong(spread + 1))) {
                counters.goawaySent();
            }
        });
    }

    /** Accepts a new transport; the connection must say hello within the hello timeout. */
    public Connection open(Transport transport) {
        Connection connection = new Connection(services, handlers, transport);
        String overLimit = connections.add(connection);
        if (overLimit != null) {
            // Close 4002, which tells the client to come back later, with backoff.
            counters.connectionRefused();
            connection.close(CloseCode.OVERLOADED, "connection limit: " + overLimit + "; retry later");
        } else {
            long dueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.helloTimeoutMs());
            timers.scheduler().schedule(() -> checkHello(connection, dueNanos), config.helloTimeoutMs());
        }
        return connection;
    }

    /**
     * Runs the hello check on a virtual thread, as the reader of a hello that did arrive runs: how late it
     * runs after the deadline (the timer's lateness and the virtual-thread scheduler's, together) tells the
     * connection whether the server was behind.
     */
    private void checkHello(Connection connection, long dueNanos) {
        try {
            writer.execute(() -> connection.helloDeadlinePassed(
                    Math.max(0, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dueNanos))));
        } catch (RejectedExecutionException closing) {
            // The server is closing: every connection is closed with 1001 anyway.
        }
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
        return connections.queuedBytes();
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

    /** One session, wherever it is held in the cluster; empty when there is no such session. */
    public Optional<SessionView> session(String clientId) {
        return sessions.view(clientId);
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

    /** Closes every connection with 1001 and stops the writer, the broker and the store. */
    @Override
    public void close() {
        connections.forEach(connection -> connection.close(CloseCode.GOING_AWAY, "server shutting down"));
        timers.close();
        writer.shutdown();
        try {
            writer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        broker.close();
        store.close();
    }

    /** What connections use of this server; tests build connections from it. */
    ConnectionServices services() {
        return services;
    }

    SessionRegistry sessions() {
        return sessions;
    }
}
