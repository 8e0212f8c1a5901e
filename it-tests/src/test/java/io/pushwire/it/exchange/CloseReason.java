package io.pushwire.it.exchange;

/**
 * How a connection to a fake exchange ended, so that a test can assert which rule fired (the fake's
 * pong timeout, the idle timeout, a reset it was told to do) rather than only that the socket went away.
 * The first reason recorded for a connection wins: a client's close frame that answers the fake's own
 * close does not overwrite why the fake closed.
 */
public enum CloseReason {
    /** The client sent a close frame first. */
    CLIENT_CLOSE("client close"),
    /** The client's side went away without a close frame (EOF, reset, I/O error). */
    CLIENT_GONE("client gone"),
    /** The fake was told to reset the connection (TCP RST, no close frame). */
    RESET("reset"),
    /** No pong with the payload of an outstanding ping within the pong timeout (Binance). */
    PONG_TIMEOUT("pong timeout"),
    /** An exchange's inactivity rule fired (OKX: nothing pushed for 30 s; Kraken: nothing received for ~1 min). */
    IDLE("idle"),
    /** More incoming messages in one second than the exchange allows (Binance: 5). */
    TOO_MANY_MESSAGES("too many messages"),
    /** The connection reached its maximum age (Binance's 24 h), or the test expired it. */
    EXPIRED("expired"),
    /** Closed after the exchange announced a shutdown (Binance {@code serverShutdown}). */
    SERVER_SHUTDOWN("server shutdown"),
    /** Closed after the exchange announced a service upgrade (OKX notice 64008). */
    SERVICE_UPGRADE("service upgrade"),
    /** Closed because the test asked the fake to close it. */
    CLOSED_BY_TEST("closed by test"),
    /** A client frame larger than the fake accepts (close 1009). */
    FRAME_TOO_BIG("frame too big"),
    /** A client frame that breaks RFC 6455 (close 1002) or text that is not UTF-8 (close 1007). */
    PROTOCOL_ERROR("protocol error"),
    /** The client read so slowly that the fake's bounded send queue filled (the connection is reset). */
    SLOW_CONSUMER("slow consumer"),
    /** The fake itself was stopped. */
    FAKE_STOPPED("fake stopped");

    private final String label;

    CloseReason(String label) {
        this.label = label;
    }

    /** A short human-readable label, as it appears in the fake's event log. */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
