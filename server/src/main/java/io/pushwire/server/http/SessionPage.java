package io.pushwire.server.http;

import io.pushwire.server.core.PushServer;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to {@code GET /api/sessions}, and its schema in {@code /openapi}. */
@Schema(name = "SessionPage", description = "A page of sessions, oldest first.",
        requiredProperties = {"total", "offset", "sessions"})
record SessionPage(
        @Schema(description = "How many sessions there are in all.", minimum = "0")
        int total,
        @Schema(description = "The index of the page's first session (the request's offset, at most total).",
                minimum = "0")
        int offset,
        @Schema(description = "At most limit sessions, from offset on.")
        List<SessionInfo> sessions) {

    static SessionPage of(PushServer.SessionPage page) {
        return new SessionPage(page.total(), page.offset(), page.sessions().stream().map(SessionInfo::of).toList());
    }
}
