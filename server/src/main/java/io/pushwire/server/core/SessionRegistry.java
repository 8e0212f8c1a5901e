package io.pushwire.server.core;

import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.store.ResumeTokens;
import io.pushwire.server.store.SessionRecord;
import io.pushwire.server.store.SessionStore;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    SessionRegistry(SessionStore store, Hub hub, InstantSource clock, long ttlMs,
                    Function<SessionRecord, InboundLimiter> limiters) {
        this.store = store;
        this.hub = hub;
        this.clock = clock;
        this.ttlMs = ttlMs;
        this.limiters = limiters;
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

    /** Every session this node holds, oldest first, as operators see them. */
    List<SessionView> views() {
        long now = clock.millis();
        return sessions.values().stream().map(session -> session.view(now))
                .sorted(Comparator.comparingLong(SessionView::ageMs).reversed()
                        .thenComparing(SessionView::clientId))
                .toList();
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
     * The session with this id, if the token is its resume token (their hashes compared in constant
     * time): the one this node holds, or, when the store has it and this node does not, the session
     * restored from its record.
     */
    Optional<ClientSession> find(String clientId, String resumeToken) {
        if (clientId == null || resumeToken == null) {
            return Optional.empty();
        }
        // This node's sessions before the store: an expiry deletes the record before it lets the session go
        // (see expireIdle), so a record read after a miss here is not that of a session expiring meanwhile,
        // which would come back without its $me. A session found here that expires meanwhile refuses the resume.
        ClientSession held = sessions.get(clientId);
        Optional<SessionRecord> record = store.load(clientId)
                .filter(found -> ResumeTokens.matches(resumeToken, found.resumeTokenHash()));
        if (record.isEmpty()) {
            return Optional.empty();
        }
        if (held != null) {
            return Optional.of(held);
        }
        ClientSession restored = ClientSession.restored(record.get(), limiters.apply(record.get()), hub, store, hub::route);
        ClientSession raced = sessions.putIfAbsent(clientId, restored);
        return Optional.of(raced == null ? restored : raced);
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
            forgetStored(session);
            if (sessions.remove(session.clientId(), session)) {
                hub.removeInbox(session.inbox().key());
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
     * node that shares the store): then it is that node's to keep.
     */
    private void forgetStored(ClientSession expired) {
        store.load(expired.clientId())
                .filter(record -> record.detached() && record.detachedAtMs() == expired.detachedAtMs())
                .ifPresent(record -> store.delete(expired.clientId()));
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
