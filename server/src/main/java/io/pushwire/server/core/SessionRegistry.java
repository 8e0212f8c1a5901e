package io.pushwire.server.core;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions by client id. A session is registered only once its {@code welcome} is queued, so a connection
 * that never completes its hello never appears here (no ghost sessions).
 */
final class SessionRegistry {
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();

    /** A new session with fresh ids, taking over {@code limiter} (the budget its hello was counted in). */
    Session create(InboundLimiter limiter) {
        return new Session(Ids.clientId(), Ids.resumeToken(), limiter);
    }

    void register(Session session) {
        sessions.put(session.clientId(), session);
    }

    void remove(Session session) {
        sessions.remove(session.clientId(), session);
    }

    int size() {
        return sessions.size();
    }
}
