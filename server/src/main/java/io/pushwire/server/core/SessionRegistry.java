package io.pushwire.server.core;

import io.pushwire.protocol.Channels;
import io.pushwire.protocol.FrameCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions by client id, attached or detached. A session is registered only once its {@code welcome} is
 * queued, so a connection that never completes its hello never appears here (no ghost sessions). Detached
 * sessions leave when {@link #expireIdle} finds their TTL over.
 */
final class SessionRegistry {
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final FrameCodec codec;
    private final InstantSource clock;
    private final int maxPendingMe;
    private final long ttlMs;

    SessionRegistry(FrameCodec codec, InstantSource clock, int maxPendingMe, long ttlMs) {
        this.codec = codec;
        this.clock = clock;
        this.maxPendingMe = maxPendingMe;
        this.ttlMs = ttlMs;
    }

    /** A new session with fresh ids, taking over {@code limiter} (the budget its hello was counted in). */
    Session create(InboundLimiter limiter) {
        // $me keeps what was pushed for as long as the session may be resumed, up to maxPendingMe events.
        Channel me = new Channel(Channels.ME, Ids.epoch(), new ChannelPolicy(Priority.HIGH, false), codec,
                new ChannelHistory(maxPendingMe, ttlMs), clock);
        return new Session(Ids.clientId(), Ids.resumeToken(), limiter, me, clock.millis());
    }

    /** Every session, oldest first, as operators see them. */
    List<SessionView> views() {
        long now = clock.millis();
        return sessions.values().stream().map(session -> session.view(now))
                .sorted(Comparator.comparingLong(SessionView::ageMs).reversed()
                        .thenComparing(SessionView::clientId))
                .toList();
    }

    void register(Session session) {
        sessions.put(session.clientId(), session);
    }

    void remove(Session session) {
        sessions.remove(session.clientId(), session);
    }

    /** The session with this id, if the token is its resume token (compared in constant time). */
    Optional<Session> find(String clientId, String resumeToken) {
        if (clientId == null || resumeToken == null) {
            return Optional.empty();
        }
        Session session = sessions.get(clientId);
        if (session == null || !MessageDigest.isEqual(session.resumeToken().getBytes(StandardCharsets.UTF_8),
                resumeToken.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.of(session);
    }

    /** The session with this id, for server-side pushes; no token needed. */
    Optional<Session> byId(String clientId) {
        return Optional.ofNullable(sessions.get(clientId));
    }

    /** Removes detached sessions whose TTL is over at {@code nowMs}; returns how many. */
    int expireIdle(long nowMs) {
        int expired = 0;
        for (Session session : sessions.values()) {
            if (session.expireIfIdle(nowMs, ttlMs) && sessions.remove(session.clientId(), session)) {
                expired++;
                LifecycleLog line = LifecycleLog.event("session.expired");
                if (line != null) {
                    line.with("clientId", session.clientId()).with("ttlMs", ttlMs).log();
                }
            }
        }
        return expired;
    }

    /** The names of every channel some session is subscribed to, attached or waiting for a resume. */
    Set<String> subscribedChannels() {
        Set<String> names = new HashSet<>();
        for (Session session : sessions.values()) {
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
        for (Session session : sessions.values()) {
            if (session.outbound() != null) {
                attached++;
            }
        }
        return attached;
    }
}
