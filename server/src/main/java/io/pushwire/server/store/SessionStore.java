package io.pushwire.server.store;

import java.util.List;
import java.util.Optional;

/**
 * Where sessions are kept so that they can be resumed: on this node alone ({@link MemorySessionStore}),
 * or shared by every node of a cluster. A node writes a session's record whenever what a resume needs
 * changes (creation, subscribe, unsubscribe, refresh, detach), so that a node that dies loses nothing a
 * client could resume.
 *
 * <p>A detached record expires on its own {@code ttlMs} after its {@code detachedAtMs}: from then on it is
 * as if it had been deleted. Every method may be called from any thread.
 */
public interface SessionStore extends AutoCloseable {
    /** Creates or replaces the record of {@code record.clientId()}. */
    void save(SessionRecord record);

    /** The record of a session, unless there is none or it expired. */
    Optional<SessionRecord> load(String clientId);

    /** Deletes a session's record; returns whether there was one. */
    boolean delete(String clientId);

    /** Every record not expired, in no particular order: for operators and sweeps. */
    List<SessionRecord> all();

    @Override
    void close();
}
