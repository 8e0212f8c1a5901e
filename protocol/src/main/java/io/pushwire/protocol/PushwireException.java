package io.pushwire.protocol;

/** Base of every unchecked exception Pushwire throws. */
public class PushwireException extends RuntimeException {
    public PushwireException(String message) {
        super(message);
    }

    public PushwireException(String message, Throwable cause) {
        super(message, cause);
    }
}
