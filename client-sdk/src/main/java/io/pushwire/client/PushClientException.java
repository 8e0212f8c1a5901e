package io.pushwire.client;

import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.PushwireException;

/**
 * A failure seen by the client: an {@code error} frame from the server ({@link #errorCode()} set), a
 * closed connection ({@link #closeCode()} set), or a local failure (neither set).
 */
public class PushClientException extends PushwireException {
    private final String errorCode;
    private final int closeCode;
    private final long retryAfterMs;

    public PushClientException(String message, String errorCode, int closeCode, Throwable cause) {
        this(message, errorCode, closeCode, -1, cause);
    }

    public PushClientException(String message, String errorCode, int closeCode, long retryAfterMs, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
        this.closeCode = closeCode;
        this.retryAfterMs = retryAfterMs;
    }

    /** From a server {@code error} frame. */
    public static PushClientException fromServer(ErrorFrame error) {
        return fromServer(error.code() + ": " + error.message(), error);
    }

    /** From a server {@code error} frame, with a message that says what it answered. */
    public static PushClientException fromServer(String message, ErrorFrame error) {
        return new PushClientException(message, error.code(), 0,
                error.retryAfterMs() == null ? -1 : error.retryAfterMs(), null);
    }

    /** The server's {@code error.code}, or {@code null} when the failure did not come from an error frame. */
    public String errorCode() {
        return errorCode;
    }

    /** The WebSocket close code that caused this failure, or 0. */
    public int closeCode() {
        return closeCode;
    }

    /** The server's {@code retryAfterMs} (how long to wait before trying again), or -1 when it gave none. */
    public long retryAfterMs() {
        return retryAfterMs;
    }
}
