package io.pushwire.client.internal;

/**
 * The WebSocket could not be opened, said in words: what failed, and where ("connection refused by
 * 127.0.0.1:8080"). The JDK's exception is the cause; its own text is often only a type name, and for a
 * refused connection not even the right one (see {@link JdkWebSocketTransport#describeFailure}).
 */
final class ConnectFailedException extends RuntimeException {
    ConnectFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
