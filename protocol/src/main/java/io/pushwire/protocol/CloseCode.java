package io.pushwire.protocol;

/**
 * WebSocket close codes used by Pushwire. 4000–4099 allow a reconnect with resume;
 * 4400–4499 are terminal until the cause is fixed.
 */
public final class CloseCode {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    /** Never sent: what a WebSocket reports when its connection ended without a close frame. */
    public static final int ABNORMAL_CLOSURE = 1006;
    public static final int TOO_BIG = 1009;
    /** An unexpected failure on the server's side of a connection. */
    public static final int SERVER_ERROR = 1011;
    public static final int HEARTBEAT_TIMEOUT = 4000;
    public static final int SLOW_CONSUMER = 4001;
    public static final int OVERLOADED = 4002;
    public static final int TAKEN_OVER = 4003;
    public static final int PROTOCOL_ERROR = 4400;
    public static final int UNAUTHORIZED = 4401;
    public static final int FORBIDDEN = 4403;
    public static final int RATE_LIMIT_ABUSE = 4429;

    private CloseCode() {
    }

    /** Whether a client should stop reconnecting after this code until the cause is fixed. */
    public static boolean isTerminal(int code) {
        return code == TAKEN_OVER || code == TOO_BIG || (code >= 4400 && code <= 4499);
    }
}
