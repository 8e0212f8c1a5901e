package io.pushwire.server.core;

/**
 * The server's monotonic counters, each defined once: its key in {@link ServerCounters#snapshot()}
 * (the {@code counters} of {@code /api/stats} and the {@code /health/ready} data), and its Prometheus
 * family and help for {@code /metrics}, where it is a counter and its samples end in {@code _total}.
 * Adding one is a constant here and an increment in {@link ServerCounters}. In snapshot order.
 *
 * @see ServerCounters
 */
public enum Counter {
    CONNECTIONS_OPENED("connectionsOpened", "pushwire_connections_opened", "WebSocket connections accepted"),
    /** Exported by the code that closed them ({@link ServerCounters#closesByCode()}), as label {@code code}. */
    CONNECTIONS_CLOSED("connectionsClosed", "pushwire_connections_closed",
            "connections ended, by the close code that ended them (1006: broken without a close frame)"),
    EVENTS_PUBLISHED("eventsPublished", "pushwire_events_published", "events published, on all channels"),
    EVENTS_FANNED_OUT("eventsFannedOut", "pushwire_events_fanned_out",
            "events offered to subscribers (events x subscribers)"),
    EVENTS_DELIVERED("eventsDelivered", "pushwire_events_delivered", "events written to client sockets"),
    FRAMES_IN("framesIn", "pushwire_frames_in", "frames received from clients"),
    FRAMES_OUT("framesOut", "pushwire_frames_out", "frames written to clients"),
    MESSAGES_OUT("messagesOut", "pushwire_messages_out", "WebSocket messages written (a batch is one)"),
    PROTOCOL_ERRORS("protocolErrors", "pushwire_protocol_errors", "bad frames answered with an error or a close"),
    SLOW_CONSUMER_CLOSES("slowConsumerCloses", "pushwire_slow_consumer_closes",
            "connections closed 4001 over their queue budget"),
    HEARTBEAT_TIMEOUTS("heartbeatTimeouts", "pushwire_heartbeat_timeouts", "connections closed 4000 for silence"),
    PINGS_SENT("pingsSent", "pushwire_pings_sent", "heartbeat pings sent"),
    RATE_LIMITED("rateLimited", "pushwire_rate_limited", "inbound frames refused with error rate_limited"),
    ABUSE_CLOSES("abuseCloses", "pushwire_abuse_closes", "connections closed 4429 for flooding"),
    EVENTS_CONFLATED("eventsConflated", "pushwire_events_conflated",
            "pending events replaced by a newer one (mode conflate, or a slow consumer's queue)"),
    EVENTS_DROPPED("eventsDropped", "pushwire_events_dropped", "low-priority events dropped for a slow consumer"),
    GAPS_ANNOUNCED("gapsAnnounced", "pushwire_gaps_announced", "gap frames created by conflation or shedding"),
    HANDSHAKES_REJECTED("handshakesRejected", "pushwire_handshakes_rejected",
            "upgrades refused before the handshake (HTTP 429 per-address limit)"),
    ORIGINS_REJECTED("originsRejected", "pushwire_origins_rejected",
            "upgrades refused with HTTP 403 because the page's Origin is not allowed"),
    LIMITS_EXCEEDED("limitsExceeded", "pushwire_limits_exceeded",
            "requests refused with error limit_exceeded (subscriptions per session, channels per server)"),
    CONNECTIONS_REFUSED("connectionsRefused", "pushwire_connections_refused",
            "connections closed 4002 at once: over max-connections or max-connections-per-address"),
    UNAUTHORIZED("unauthorized", "pushwire_hellos_unauthorized",
            "hellos refused for their token (error unauthorized or token_expired, then close 4401)"),
    TOKENS_EXPIRED("tokensExpired", "pushwire_tokens_expired",
            "open connections whose token expired (error token_expired; close 4401 unless refreshed in time)"),
    SESSIONS_RESUMED("sessionsResumed", "pushwire_sessions_resumed", "hellos that resumed their session"),
    RESUMES_FAILED("resumesFailed", "pushwire_sessions_resume_failed",
            "hellos that asked to resume but got a fresh session"),
    SESSIONS_REPLACED("sessionsReplaced", "pushwire_sessions_replaced", "connections closed 4003 by a newer one resuming"),
    SESSIONS_EXPIRED("sessionsExpired", "pushwire_sessions_expired", "sessions dropped after their TTL without a resume"),
    CHANNELS_RETIRED("channelsRetired", "pushwire_channels_retired",
            "client-created channels dropped: no subscriber, no history, idle"),
    PENDING_ME_DROPPED("pendingMeDropped", "pushwire_pending_me_dropped",
            "pushes dropped from a detached session's full $me (pushwire.session.max-pending-me)"),
    GOAWAYS_SENT("goawaysSent", "pushwire_goaways_sent", "goaway frames sent while draining"),
    TRANSPORTS_ABORTED("transportsAborted", "pushwire_transports_aborted",
            "sockets dropped because the peer never completed a close");

    private final String key;
    private final String metric;
    private final String help;

    Counter(String key, String metric, String help) {
        this.key = key;
        this.metric = metric;
        this.help = help;
    }

    /** The key in {@link ServerCounters#snapshot()}: {@code connectionsOpened}. */
    public String key() {
        return key;
    }

    /** The Prometheus family, without the {@code _total} the exposition adds: {@code pushwire_connections_opened}. */
    public String metric() {
        return metric;
    }

    /** The Prometheus help text. */
    public String help() {
        return help;
    }
}
