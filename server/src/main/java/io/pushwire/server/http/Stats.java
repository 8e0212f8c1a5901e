package io.pushwire.server.http;

import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to {@code GET /api/stats}, and its schema in {@code /openapi}. */
@Schema(name = "Stats", description = "A summary of the server (this node).",
        requiredProperties = {"uptimeMs", "draining", "connections", "sessions", "sessionsAttached", "channels",
                "queuedBytes", "counters", "closesByCode", "publishToWriteMeanMs", "feeds"})
record Stats(
        @Schema(description = "Milliseconds since the JVM started.")
        long uptimeMs,
        @Schema(description = "Whether a shutdown drain has begun.")
        boolean draining,
        @Schema(description = "Open WebSocket connections.")
        int connections,
        @Schema(description = "Sessions, attached or kept for a resume.")
        int sessions,
        @Schema(description = "Sessions with a connection.")
        int sessionsAttached,
        @Schema(description = "Channels.")
        int channels,
        @Schema(description = "JSON characters waiting in all outbound queues.")
        long queuedBytes,
        @Schema(description = "Every counter of /health/ready, by name (eventsPublished, ...).")
        Map<String, Long> counters,
        @Schema(description = "Closed connections by WebSocket close code (as a string key).")
        Map<String, Long> closesByCode,
        @Schema(description = "Mean time from an event's publish to its write to a client socket, in milliseconds;"
                + " 0 before the first delivery.")
        double publishToWriteMeanMs,
        @Schema(description = "Each feed's facts, by feed name; the facts depend on the feed (docs/OPERATIONS.md).")
        Map<String, Map<String, Object>> feeds) {
}
