package io.pushwire.server.core;

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
 */
public record SessionView(String clientId, boolean attached, String remoteAddress, List<String> subscriptions,
                         int queuedFrames, long queuedBytes, long ageMs, long detachedForMs) {
}
