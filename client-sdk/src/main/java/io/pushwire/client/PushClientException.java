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

    public PushClientException(String message, String errorCode, int closeCode, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
        this.closeCode = closeCode;
    }

    /** From a server {@code error} frame. */
    public static PushClientException fromServer(ErrorFrame error) {
        return new PushClientException(error.code() + ": " + error.message(), error.code(), 0, null);
    }

    /** The server's {@code error.code}, or {@code null} when the failure did not come from an error frame. */
    public String errorCode() {
        return errorCode;
    }

    /** The WebSocket close code that caused this failure, or 0. */
    public int closeCode() {
        return closeCode;
    }
}
