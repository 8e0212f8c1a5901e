package io.pushwire.server.feed.upstream;

/**
 * Why an upstream connection failed, in the classes that decide how the connector waits and what an
 * operator should do. Each class is logged once when a feed enters it, not once per attempt.
 */
public enum FailureClass {
    /** Resets, timeouts, refused connections, 5xx, a dead connection: back off with jitter and retry. */
    TRANSIENT_NETWORK,
    /** The exchange said something we do not understand, or closed for a protocol violation. */
    PROTOCOL,
    /** HTTP 429/418 or an exchange rate-limit error: wait at least what it asks ({@code Retry-After}). */
    RATE_LIMIT,
    /** 401/403: credentials or an IP block; retried slowly, an operator has to look. */
    AUTH,
    /** Will not fix itself (a wrong URL, an unknown symbol, a TLS failure): retried at the slowest pace. */
    FATAL
}
