package io.pushwire.protocol;

/** Values of {@code error.code}. Clients must tolerate codes not listed here. */
public final class ErrorCode {
    /** Malformed frame, unknown type, wrong field type, invalid value. */
    public static final String BAD_REQUEST = "bad_request";
    /** Missing or invalid credentials. */
    public static final String UNAUTHORIZED = "unauthorized";
    /** Authenticated, but not allowed to do this. */
    public static final String FORBIDDEN = "forbidden";
    /** The auth token expired; send {@code refresh} before the grace period ends. */
    public static final String TOKEN_EXPIRED = "token_expired";
    /** The channel does not exist and cannot be created by this client. */
    public static final String UNKNOWN_CHANNEL = "unknown_channel";
    /** Over the inbound rate limit; retry after {@code retryAfterMs}. */
    public static final String RATE_LIMITED = "rate_limited";
    /** A field or frame over its size limit. */
    public static final String TOO_LARGE = "too_large";
    /** The session could not be resumed; a fresh one was started. */
    public static final String RESUME_FAILED = "resume_failed";
    /**
     * A limit is reached, of the session (subscriptions) or of the server (channels); the message names it.
     * Free something first, or retry later. An extension of v1.
     */
    public static final String LIMIT_EXCEEDED = "limit_exceeded";
    /** The server failed on its side; the request may succeed if retried. An extension of v1. */
    public static final String INTERNAL = "internal";

    private ErrorCode() {
    }
}
