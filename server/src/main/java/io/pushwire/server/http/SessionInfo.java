package io.pushwire.server.http;

import io.pushwire.server.core.SessionView;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One session in {@code GET /api/sessions} ({@link SessionView} as JSON), and its schema in {@code /openapi}. */
@Schema(name = "Session", description = "One session as an operator sees it: a snapshot.",
        requiredProperties = {"clientId", "state", "remoteAddress", "subscriptions", "queuedFrames", "queuedBytes",
                "ageMs", "detachedForMs", "node"})
record SessionInfo(
        @Schema(description = "The session's client id (never its resume token).")
        String clientId,
        @Schema(description = "Whether a connection is attached now.", enumeration = {"attached", "detached"})
        String state,
        @Schema(description = "The attached connection's peer address; null while detached, and for a session"
                + " another node holds.", nullable = true, example = "10.0.3.7:51234")
        String remoteAddress,
        @Schema(description = "The channels it is subscribed to, sorted.")
        List<String> subscriptions,
        @Schema(description = "Frames waiting in its outbound queue (0 for a session another node holds).")
        int queuedFrames,
        @Schema(description = "JSON characters waiting in its outbound queue (0 for a session another node holds).")
        long queuedBytes,
        @Schema(description = "Milliseconds since it was created.")
        long ageMs,
        @Schema(description = "Milliseconds since its connection dropped, or -1 while attached; a detached session"
                + " expires at pushwire.session.ttl-ms.", minimum = "-1")
        long detachedForMs,
        @Schema(description = "The node holding it attached (pushwire.node.id; `local` on a single node), or null"
                + " while detached.", nullable = true, example = "local")
        String node) {

    static SessionInfo of(SessionView view) {
        return new SessionInfo(view.clientId(), view.attached() ? "attached" : "detached", view.remoteAddress(),
                view.subscriptions(), view.queuedFrames(), view.queuedBytes(), view.ageMs(), view.detachedForMs(),
                view.node());
    }
}
