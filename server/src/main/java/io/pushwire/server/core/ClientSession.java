package io.pushwire.server.core;

import io.pushwire.protocol.Channels;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.Subscribe;
import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.store.SessionRecord;
import io.pushwire.server.store.SessionStore;
import io.pushwire.server.store.SubscriptionRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A client's session: its identity, its inbound rate limit, its private channel ({@code $me}) and its
 * subscriptions. It outlives its connection: after the transport drops it is kept, detached, until the
 * session TTL runs out, and a {@code hello} with its id and token resumes it on a new connection with
 * everything restored. Whatever a resume needs is written to the {@link SessionStore} when it changes.
 *
 * <p>Structural changes (attach, subscribe, unsubscribe, detach, resume, expiry) take the session's
 * lock, and the hub's channel operations only inside it. Publishers never take it: they reach the current
 * connection's queue through a volatile read. Only a push to its {@code $me} does ({@link #unlessEnded}).
 */
final class ClientSession {
    private static final System.Logger LOG = System.getLogger(ClientSession.class.getName());
    private final String clientId;
    private final String resumeTokenHash;
    private final InboundLimiter limiter;
    private final ChannelRoute inbox;
    private final Hub hub;
    private final SessionStore store;
    private final long createdAtMs;
    private final ReentrantLock lock = new ReentrantLock();
    /** Written under {@link #lock}; concurrent so that {@link #channels()} may read it without. */
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    /** The attached connection's queue; {@code null} while detached. */
    private volatile Outbound outbound;
    /** Guarded by {@link #lock}: the connection attached, {@code null} while detached. */
    private Connection owner;
    /** Guarded by {@link #lock}: when the last connection left; -1 while attached. */
    private long detachedAtMs = -1;
    /** Guarded by {@link #lock}: expired sessions never come back. */
    private boolean expired;
    /** Guarded by {@link #lock}: whether it is in the store; until then, nothing is saved. */
    private boolean stored;
    /**
     * Guarded by {@link #lock}: the attachment this node holds ({@link SessionRecord#attachment}); the store
     * refuses its writes once a resume, here or on another node, took a later one.
     */
    private long attachment;
    /** Who it is, as its last hello or refresh proved; replaced by a refresh. */
    private volatile Principal principal = Principal.ANONYMOUS;

    /**
     * @param resumeTokenHash what {@link io.pushwire.server.store.ResumeTokens#hash} made of its token
     * @param inbox           the broker stream of its {@code $me}
     */
    ClientSession(String clientId, String resumeTokenHash, InboundLimiter limiter, ChannelKey inbox, Hub hub,
                  SessionStore store, long createdAtMs) {
        this.clientId = clientId;
        this.resumeTokenHash = resumeTokenHash;
        this.limiter = limiter;
        this.inbox = ChannelRoute.inbox(inbox);
        this.hub = hub;
        this.store = store;
        this.createdAtMs = createdAtMs;
    }

    /**
     * A detached session as {@code record} kept it, on a node that did not hold it: its subscriptions
     * continue from the positions written, on the channels this node can route ({@code routes} is empty for
     * a channel that no longer exists, which is then left out).
     */
    static ClientSession restored(SessionRecord record, InboundLimiter limiter, Hub hub, SessionStore store,
                                  Function<String, Optional<ChannelRoute>> routes) {
        ClientSession session = new ClientSession(record.clientId(), record.resumeTokenHash(), limiter,
                ChannelKey.inboxKeyed(record.inbox()), hub, store, record.createdAtMs());
        session.principal = Principal.restored(record.subject(), record.tokenExpiresAtMs());
        session.detachedAtMs = record.detachedAtMs();
        session.attachment = record.attachment();
        session.stored = true;
        for (SubscriptionRecord kept : record.subscriptions()) {
            Optional<ChannelRoute> route = Channels.ME.equals(kept.channel()) ? Optional.of(session.inbox)
                    : routes.apply(kept.channel());
            route.ifPresent(found -> session.subscriptions.put(kept.channel(), Subscription.restored(session, found, kept)));
        }
        return session;
    }

    String clientId() {
        return clientId;
    }

    String resumeTokenHash() {
        return resumeTokenHash;
    }

    /** What an operator sees of it at {@code nowMs}. */
    SessionView view(long nowMs) {
        Connection connection;
        long detachedAt;
        lock.lock();
        try {
            connection = owner;
            detachedAt = detachedAtMs;
        } finally {
            lock.unlock();
        }
        Outbound queue = outbound;
        boolean attached = connection != null;
        return new SessionView(clientId, attached, attached ? connection.remoteAddress() : null,
                channels().stream().sorted().toList(),
                attached && queue != null ? queue.queuedFrames() : 0,
                attached ? connection.queuedBytes() : 0,
                nowMs - createdAtMs, attached || detachedAt < 0 ? -1 : nowMs - detachedAt, attached ? store.node() : null);
    }

    /** The session's inbound frame budget; it survives reconnects. */
    InboundLimiter limiter() {
        return limiter;
    }

    /** The session's private channel. */
    ChannelRoute inbox() {
        return inbox;
    }

    /** Where this session's frames go; {@code null} when detached. */
    Outbound outbound() {
        return outbound;
    }

    /** Attaches the first connection of a new session. */
    void attach(Connection connection, Outbound queue) {
        lock.lock();
        try {
            owner = connection;
            outbound = queue;
            detachedAtMs = -1;
        } finally {
            lock.unlock();
        }
    }

    /** From now on what a resume needs is kept in the store; writes the record once now. */
    void store() {
        lock.lock();
        try {
            stored = true;
            save();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the session to a new connection and restores every subscription, each continuing after the
     * client's position for it (from {@code hello.positions}) or, without one, after what the server last
     * wrote. Fails (nothing changes) when the session expired meanwhile, and when a connection opened
     * after this one holds it: the newest connection wins by when it was opened, not by when its hello was
     * handled, or a hello left behind on a connection the client gave up on (its welcome was late) would
     * take the session from the connection the client uses now.
     *
     * @param welcome runs once the resume is certain, before anything is restored
     * @param refused called with each restored subscription whose position was refused (ahead of the
     *                channel): it is restored from the head instead
     */
    Resumption resume(Connection connection, Outbound queue, Map<String, Position> positions, Runnable welcome,
                      BiConsumer<String, ProtocolException> refused) {
        lock.lock();
        try {
            if (expired) {
                return Resumption.EXPIRED;
            }
            if (owner != null && owner.id() > connection.id()) {
                return Resumption.SUPERSEDED;
            }
            Connection previous = owner;
            leaveChannels();
            owner = connection;
            outbound = queue;
            detachedAtMs = -1;
            welcome.run();
            for (Subscription old : List.copyOf(subscriptions.values())) {
                Subscription renewed = old.renewed();
                subscriptions.put(old.channelName(), renewed);
                Position since = positions.getOrDefault(old.channelName(), old.writtenPosition());
                if (since == null && old.route().key().isInbox()) {
                    // Nothing of $me written yet (its stream may not even have existed then): all it holds is
                    // the session's, as for a subscribe to $me without since.
                    since = new Position(0, hub.epoch(old.route().key()));
                }
                try {
                    hub.join(old.route(), renewed, renewed.resumeRequest(since), null);
                } catch (ProtocolException e) {
                    refused.accept(old.channelName(), e);
                    hub.join(old.route(), renewed, renewed.resumeRequest(null), null);
                }
            }
            save();
            return new Resumption(Resumption.Outcome.RESUMED, previous);
        } finally {
            lock.unlock();
        }
    }

    /**
     * What a resume did.
     *
     * @param outcome  resumed; or not, because the session had expired, or a newer connection holds it
     * @param replaced the connection the session was taken from (to close with 4003); null if detached
     */
    record Resumption(Outcome outcome, Connection replaced) {
        enum Outcome { RESUMED, EXPIRED, SUPERSEDED }

        static final Resumption EXPIRED = new Resumption(Outcome.EXPIRED, null);
        static final Resumption SUPERSEDED = new Resumption(Outcome.SUPERSEDED, null);

        boolean resumed() {
            return outcome == Outcome.RESUMED;
        }
    }

    /** Subscribes, or re-subscribes with the new request's mode, replacing the old subscription at once. */
    void subscribe(ChannelRoute route, Subscribe request) {
        lock.lock();
        try {
            if (outbound == null) {
                return; // detached meanwhile: the connection is gone
            }
            Subscription fresh = new Subscription(this, route, request);
            Subscription previous = subscriptions.get(route.name());
            hub.join(route, fresh, request, previous);
            subscriptions.put(route.name(), fresh);
            if (previous != null) {
                previous.cancel();
            }
            save();
        } finally {
            lock.unlock();
        }
    }

    /** Leaves a channel; returns the ended subscription, empty when it was not subscribed. */
    Optional<ChannelStream> unsubscribe(String channelName) {
        lock.lock();
        try {
            Subscription subscription = subscriptions.remove(channelName);
            if (subscription == null) {
                return Optional.empty();
            }
            subscription.stop(hub);
            save();
            return Optional.of(subscription);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code action} under the session's lock, unless the session ended (then empty). A push to its
     * {@code $me} runs here: the expiry drops the {@code $me} stream after ending the session, so a push
     * that found the session just before must reach the broker before that, or not at all; after it, the
     * broker would make the stream anew and nothing would ever drop it.
     */
    <T> Optional<T> unlessEnded(Supplier<T> action) {
        lock.lock();
        try {
            return expired ? Optional.empty() : Optional.of(action.get());
        } finally {
            lock.unlock();
        }
    }

    /** The last {@code $me} seq written to the client, 0 when none (or not subscribed to {@code $me}). */
    long meWrittenSeq() {
        lock.lock();
        try {
            Subscription subscription = subscriptions.get(Channels.ME);
            Position written = subscription == null ? null : subscription.writtenPosition();
            return written == null ? 0 : written.seq();
        } finally {
            lock.unlock();
        }
    }

    Set<String> channels() {
        return Set.copyOf(subscriptions.keySet());
    }

    Principal principal() {
        return principal;
    }

    /** Who it is from now on, as a hello or refresh proved; kept in the store (its subject and expiry). */
    void principal(Principal proven) {
        lock.lock();
        try {
            this.principal = proven;
            save();
        } finally {
            lock.unlock();
        }
    }

    boolean isSubscribed(String channel) {
        return subscriptions.containsKey(channel);
    }

    int subscriptionCount() {
        return subscriptions.size();
    }

    /**
     * The connection left: delivery stops and the channels are left, but the subscriptions and their
     * positions are kept for a resume. Does nothing if {@code connection} is no longer the owner (the
     * session was resumed elsewhere).
     */
    void detach(Connection connection, long nowMs) {
        lock.lock();
        try {
            if (owner != connection) {
                return;
            }
            leaveChannels();
            owner = null;
            outbound = null;
            detachedAtMs = nowMs;
            save();
        } finally {
            lock.unlock();
        }
    }

    /** The attachment this node holds. */
    long attachment() {
        lock.lock();
        try {
            return attachment;
        } finally {
            lock.unlock();
        }
    }

    /** Holds attachment {@code number} from now on: a resume claimed it in the store. */
    void attachment(long number) {
        lock.lock();
        try {
            attachment = number;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lets go of the session, which a resume on another node took with {@code later}: it leaves its channels
     * and never saves or resumes again. Returns the connection that held it (to close with 4003), or null;
     * nothing happens when this node's attachment is not older than {@code later}.
     */
    Released release(long later) {
        lock.lock();
        try {
            if (attachment >= later) {
                return new Released(false, null);
            }
            leaveChannels();
            if (stored && !expired) {
                // How far this node wrote each subscription, for the node that took the session to continue from.
                try {
                    store.handOver(record(later));
                } catch (RuntimeException unreachable) {
                    LOG.log(System.Logger.Level.WARNING, "session " + clientId + " not handed over: " + unreachable.getMessage());
                }
            }
            Connection previous = owner;
            expired = true;
            owner = null;
            outbound = null;
            subscriptions.clear();
            return new Released(true, previous);
        } finally {
            lock.unlock();
        }
    }

    /** What {@link #release} did: whether it let go, and of which connection. */
    record Released(boolean released, Connection connection) {
    }

    /** When its last connection left; -1 while one is attached. */
    long detachedAtMs() {
        lock.lock();
        try {
            return detachedAtMs;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a detached session whose TTL ran out at {@code nowMs}; returns whether it did. */
    boolean expireIfIdle(long nowMs, long ttlMs) {
        lock.lock();
        try {
            if (expired || owner != null || detachedAtMs < 0 || nowMs - detachedAtMs < ttlMs) {
                return expired;
            }
            expired = true;
            subscriptions.clear();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the session now, attached or not (a session that never finished its hello). */
    void end() {
        lock.lock();
        try {
            leaveChannels();
            expired = true;
            owner = null;
            outbound = null;
            subscriptions.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Guarded by {@link #lock}. Subscriptions stay in the map, stopped. */
    private void leaveChannels() {
        List<Subscription> current = new ArrayList<>(subscriptions.values());
        current.forEach(subscription -> subscription.stop(hub));
    }

    /** Guarded by {@link #lock}: what a resume needs, as attachment {@code number}. */
    private SessionRecord record(long number) {
        return new SessionRecord(clientId, resumeTokenHash, principal.subject(), principal.expiresAtMs(),
                inbox.key().key(), subscriptions.values().stream().map(Subscription::record).toList(),
                createdAtMs, detachedAtMs, limiter.state(), number, null);
    }

    /**
     * Guarded by {@link #lock}: writes what a resume needs, once the session is in the store. A store that
     * cannot be reached leaves the record as it was (logged): the session goes on here, and a resume elsewhere
     * would find it as last written. A refusal means a later resume took the session; that node tells this
     * one to let go ({@link #release}).
     */
    private void save() {
        if (!stored || expired) {
            return;
        }
        try {
            if (!store.save(record(attachment))) {
                LOG.log(System.Logger.Level.DEBUG, "session " + clientId + ": attachment " + attachment
                        + " was taken by a later resume; not saved");
            }
        } catch (RuntimeException unreachable) {
            LOG.log(System.Logger.Level.WARNING, "session " + clientId + " not saved: " + unreachable.getMessage());
        }
    }
}
