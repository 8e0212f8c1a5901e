package io.pushwire.server.core;

import io.pushwire.protocol.CloseCode;
import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.store.ResumeTokens;
import io.pushwire.server.store.SessionRecord;
import io.pushwire.server.store.SessionStore;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The sessions this node holds, attached or detached, in front of the {@link SessionStore} that keeps
 * what a resume needs. A session is registered only once its {@code welcome} is queued, so a connection
 * that never completes its hello never appears here (no ghost sessions). A resume is checked against the
 * store's record; a session the store has and this node does not hold is restored from its record.
 * Detached sessions leave when {@link #expireIdle} finds their TTL over.
 */
final class SessionRegistry {
    private final ConcurrentHashMap<String, ClientSession> sessions = new ConcurrentHashMap<>();
    private final SessionStore store;
    private final Hub hub;
    private final InstantSource clock;
    private final long ttlMs;
    /** Makes a session's inbound limiter: full, or continuing from a record's bucket state. */
    private final Function<SessionRecord, InboundLimiter> limiters;
    /** Resumes of a session another node held, and connections closed because another node took their session. */
    private final LongAdder crossNodeResumes = new LongAdder();
    private final LongAdder takenOver = new LongAdder();

    SessionRegistry(SessionStore store, Hub hub, InstantSource clock, long ttlMs,
                    Function<SessionRecord, InboundLimiter> limiters) {
        this.store = store;
        this.hub = hub;
        this.clock = clock;
        this.ttlMs = ttlMs;
        this.limiters = limiters;
        store.onRelease(this::release);
    }

    /** Resumes of a session that another node held, since start. */
    long crossNodeResumes() {
        return crossNodeResumes.sum();
    }

    /** Connections this node closed with 4003 because a resume on another node took their session, since start. */
    long takenOverByOtherNodes() {
        return takenOver.sum();
    }

    /**
     * The record of a session that this node does not hold but the store has (held by another node, or
     * detached from a node that died): for a push to its {@code $me}.
     */
    Optional<SessionRecord> storedElsewhere(String clientId) {
        return sessions.containsKey(clientId) ? Optional.empty() : store.load(clientId);
    }

    /**
     * A new session with fresh ids, taking over {@code limiter} (the budget its hello was counted in).
     * Its resume token is handed to {@code token} once: the session keeps only its hash.
     */
    ClientSession create(InboundLimiter limiter, Consumer<String> token) {
        String clientId = Ids.clientId();
        String resumeToken = Ids.resumeToken();
        token.accept(resumeToken);
        return new ClientSession(clientId, ResumeTokens.hash(resumeToken), limiter, ChannelKey.inbox(clientId), hub,
                store, clock.millis());
    }

    /**
     * Every session, oldest first, as operators see them: those this node holds, and, with a store shared by
     * a cluster, the others its records show (held by another node, or detached from one). A store that
     * cannot be read leaves only this node's.
     */
    List<SessionView> views() {
        long now = clock.millis();
        Map<String, SessionView> views = new HashMap<>();
        for (ClientSession session : sessions.values()) {
            views.put(session.clientId(), session.view(now));
        }
        try {
            for (SessionRecord record : store.all()) {
                views.putIfAbsent(record.clientId(), SessionView.ofRecord(record, now));
            }
        } catch (RuntimeException unreachable) {
            // this node's sessions only, while the store cannot be reached
        }
        return views.values().stream()
                .sorted(Comparator.comparingLong(SessionView::ageMs).reversed().thenComparing(SessionView::clientId))
                .toList();
    }

    /** One session as operators see it: held here, or as the shared store's record shows it. */
    Optional<SessionView> view(String clientId) {
        long now = clock.millis();
        ClientSession held = sessions.get(clientId);
        if (held != null) {
            return Optional.of(held.view(now));
        }
        return store.load(clientId).map(record -> SessionView.ofRecord(record, now));
    }

    /** Holds the session here and writes its record to the store. */
    void register(ClientSession session) {
        sessions.put(session.clientId(), session);
        session.store();
    }

    /** Lets go of a session that ended before it was used (closed during its hello), with its {@code $me}. */
    void remove(ClientSession session) {
        if (sessions.remove(session.clientId(), session)) {
            store.delete(session.clientId());
            hub.removeInbox(session.inbox().key());
        }
    }

    /**
     * The session with this id, taken for a resume, if the token is its resume token (their hashes compared
     * in constant time) and it belongs to {@code subject}: the one this node holds, or the session restored
     * from its record, after the node that held it (another node of the cluster) let go of it, or did not
     * answer within {@link #RELEASE_WAIT_MS}. Taking it ({@link SessionStore#claim}) makes the store refuse
     * the writes of whoever held it before.
     */
    Optional<ClientSession> find(String clientId, String resumeToken, String subject) {
        if (clientId == null || resumeToken == null) {
            return Optional.empty();
        }
        // This node's sessions before the store: an expiry deletes the record before it lets the session go
        // (see expireIdle), so a record read after a miss here is not that of a session expiring meanwhile,
        // which would come back without its $me. A session found here that expires meanwhile refuses the resume.
        ClientSession held = sessions.get(clientId);
        boolean owned = store.load(clientId)
                .filter(found -> ResumeTokens.matches(resumeToken, found.resumeTokenHash()))
                .filter(found -> Objects.equals(found.subject(), subject))
                .isPresent();
        Optional<SessionRecord> before = owned ? store.claim(clientId) : Optional.empty();
        if (before.isEmpty()) {
            return Optional.empty();
        }
        long attachment = before.get().attachment() + 1;
        if (held != null && held.attachment() == before.get().attachment()) {
            held.attachment(attachment); // this node held the latest attachment: the session moves here
            return Optional.of(held);
        }
        if (held != null) {
            release(clientId, attachment); // a copy of an attachment that another node took since
        }
        String holder = before.get().holder();
        if (holder != null && !holder.equals(store.node())) {
            store.release(holder, clientId, attachment, RELEASE_WAIT_MS);
            crossNodeResumes.increment();
        }
        // As the previous holder left it: what it saved before it let go is in.
        Optional<SessionRecord> record = store.load(clientId);
        if (record.isEmpty()) {
            return Optional.empty();
        }
        SessionRecord mine = record.get().withAttachment(attachment);
        ClientSession restored = ClientSession.restored(mine, limiters.apply(mine), hub, store, hub::route);
        ClientSession raced = sessions.putIfAbsent(clientId, restored);
        return Optional.of(raced == null ? restored : raced);
    }

    /** How long a resume waits for another node to let go of the session. */
    static final long RELEASE_WAIT_MS = 2_000;

    /**
     * Lets go of a session this node holds with an attachment before {@code attachment}, which a resume took
     * (on another node, or a copy here is stale): its connection is closed with 4003, and it is forgotten
     * here without touching the store or its {@code $me}, which are the new holder's now.
     */
    void release(String clientId, long attachment) {
        ClientSession held = sessions.get(clientId);
        if (held == null) {
            return;
        }
        ClientSession.Released released = held.release(attachment);
        if (!released.released()) {
            return;
        }
        if (sessions.remove(clientId, held)) {
            hub.dropInboxHere(held.inbox().key());
        }
        if (released.connection() != null) {
            takenOver.increment();
            released.connection().close(CloseCode.TAKEN_OVER, "session resumed on another node");
        }
    }

    /** The session with this id, for server-side pushes; no token needed. */
    Optional<ClientSession> byId(String clientId) {
        return Optional.ofNullable(sessions.get(clientId));
    }

    /** Removes detached sessions whose TTL is over at {@code nowMs}; returns how many. */
    int expireIdle(long nowMs) {
        int expired = 0;
        for (ClientSession session : sessions.values()) {
            if (!session.expireIfIdle(nowMs, ttlMs)) {
                continue;
            }
            // The record goes first: a resume that misses the session here must not find the record still
            // there and bring the session back from it (see find).
            boolean ended = forgetStored(session);
            if (sessions.remove(session.clientId(), session)) {
                if (ended) {
                    hub.removeInbox(session.inbox().key());
                } else {
                    hub.dropInboxHere(session.inbox().key()); // another node resumed it: its $me lives on there
                }
                expired++;
                LifecycleLog line = LifecycleLog.event("session.expired");
                if (line != null) {
                    line.with("clientId", session.clientId()).with("ttlMs", ttlMs).log();
                }
            }
        }
        return expired;
    }

    /**
     * Deletes an expired session's record, unless the store shows it in use since (resumed through another
     * node that shares the store): then it is that node's to keep. Returns whether the session ended (its
     * record deleted here, or gone already); false when another node holds it now.
     */
    private boolean forgetStored(ClientSession expired) {
        Optional<SessionRecord> record = store.load(expired.clientId());
        if (record.isEmpty()) {
            return true;
        }
        if (record.get().attachment() == expired.attachment() && record.get().detached()
                && record.get().detachedAtMs() == expired.detachedAtMs()) {
            store.delete(expired.clientId());
            return true;
        }
        return false;
    }

    /** The names of every channel some session is subscribed to, attached or waiting for a resume. */
    Set<String> subscribedChannels() {
        Set<String> names = new HashSet<>();
        for (ClientSession session : sessions.values()) {
            names.addAll(session.channels());
        }
        return names;
    }

    int size() {
        return sessions.size();
    }

    /** The ids of the sessions with a connection on this node. */
    List<String> attachedIds() {
        return sessions.values().stream().filter(session -> session.outbound() != null).map(ClientSession::clientId)
                .toList();
    }

    /** Sessions with a connection (the rest wait for a resume). Walks the registry: for health data. */
    int attachedCount() {
        int attached = 0;
        for (ClientSession session : sessions.values()) {
            if (session.outbound() != null) {
                attached++;
            }
        }
        return attached;
    }
}
