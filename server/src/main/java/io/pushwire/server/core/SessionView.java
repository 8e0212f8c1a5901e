package io.pushwire.server.core;

import io.pushwire.server.store.SessionRecord;
import io.pushwire.server.store.SubscriptionRecord;
import java.util.List;

/**
 * One session as an operator sees it ({@code GET /api/sessions}); a snapshot, never live state.
 *
 * @param clientId       its id (not the resume token, which never leaves the server but in {@code welcome})
 * @param attached       whether a connection is attached now
 * @param remoteAddress  the attached connection's peer address, or null
 * @param subscriptions  channels it is subscribed to, sorted
 * @param queuedFrames   frames waiting in its outbound queue
 * @param queuedBytes    JSON characters waiting in its outbound queue
 * @param ageMs          since it was created
 * @param detachedForMs  since its connection dropped (it expires at the session TTL), or -1 while attached
 * @param node           the node holding it attached ({@code pushwire.node.id}; {@code local} on a server of
 *                       one node), or null while detached. A session of another node shows what its record
 *                       says: no address and no queue, which only its node knows
 */
public record SessionView(String clientId, boolean attached, String remoteAddress, List<String> subscriptions,
                         int queuedFrames, long queuedBytes, long ageMs, long detachedForMs, String node) {
    /** A session as its record in a shared store shows it, at {@code nowMs}: held by another node, or by none. */
    static SessionView ofRecord(SessionRecord record, long nowMs) {
        return new SessionView(record.clientId(), !record.detached(), null,
                record.subscriptions().stream().map(SubscriptionRecord::channel).sorted().toList(), 0, 0,
                nowMs - record.createdAtMs(), record.detached() ? nowMs - record.detachedAtMs() : -1,
                record.detached() ? null : record.holder());
    }
}
