package io.pushwire.server.store;

import java.util.Collection;
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
 *
 * <p>Each resume takes the session for a new attachment ({@link #claim}); the node that held the previous
 * one is asked to let go ({@link #release}), and its writes are refused from then on, so that two nodes
 * never both hold a session and the newest resume wins.
 */
public interface SessionStore extends AutoCloseable {
    /**
     * Creates or replaces the record of {@code record.clientId()}, unless the store holds a later attachment
     * of the session: then nothing is written, and false says that the caller no longer holds it.
     */
    boolean save(SessionRecord record);

    /**
     * The last write of a node letting go of a session ({@link #release}): its subscriptions and how far it
     * wrote them, for the attachment that took it (its {@code attachment}), so that the new holder continues
     * exactly there. Refused once the new holder wrote the record itself (it did not wait so long).
     */
    boolean handOver(SessionRecord record);

    /** The record of a session, unless there is none or it expired. */
    Optional<SessionRecord> load(String clientId);

    /**
     * Takes the session for its next attachment, held by this node: from now on writes of earlier ones are
     * refused. Returns what it was before (its {@code attachment} and {@code holder}), or empty when there is
     * no such session.
     */
    Optional<SessionRecord> claim(String clientId);

    /**
     * Asks node {@code holder} to let go of the session, which attachment {@code attachment} took from it:
     * it closes its connection with 4003. Returns once it did, or after {@code waitMs} (a node that died
     * answers nothing). A store of one node has no other holder: nothing to do.
     */
    default void release(String holder, String clientId, long attachment, long waitMs) {
    }

    /** Where this node is told to let go of a session another node took: see {@link #release}. */
    interface Releaser {
        /** Lets go of the session if this node holds an attachment of it before {@code attachment}; returns after. */
        void release(String clientId, long attachment);
    }

    /** Registers how this node lets go of sessions when asked to ({@link #release}); before any claim. */
    default void onRelease(Releaser releaser) {
    }

    /** This node's name for itself in {@link SessionRecord#holder}. */
    String node();

    /** Deletes a session's record; returns whether there was one. */
    boolean delete(String clientId);

    /**
     * The calling node still holds these sessions attached. A store that expires records by time (Redis) keeps
     * them another TTL: called well within the TTL, it keeps an attached record for as long as its node lives.
     */
    default void keepAttached(Collection<String> clientIds) {
    }

    /** Every record not expired, in no particular order: for operators and sweeps. */
    List<SessionRecord> all();

    @Override
    void close();
}
