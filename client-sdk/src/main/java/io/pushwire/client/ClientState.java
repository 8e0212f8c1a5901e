package io.pushwire.client;

/**
 * Where a {@link PushClient} is in its life. Changed only on the client's event thread; every change is
 * reported to {@link PushListener#onStateChanged}.
 *
 * <pre>
 * DISCONNECTED --connect()--> CONNECTING --welcome--> CONNECTED
 *                               ^   |                     |
 *                               |   +--(terminal/given up)+--> DISCONNECTED (onStopped)
 *                               +--- lost, not terminal --+
 * any state --close()--> CLOSED
 * </pre>
 */
public enum ClientState {
    /**
     * Not connected and not trying to: before the first {@link PushClient#connect()}, or after the client
     * stopped reconnecting ({@link PushListener#onStopped} says why). {@code connect()} starts again.
     */
    DISCONNECTED,
    /**
     * Trying to connect: waiting for the backoff delay, opening the WebSocket, or waiting for
     * {@code welcome}. The client stays here across failed attempts until one succeeds or it stops.
     */
    CONNECTING,
    /** {@code welcome} received: subscriptions are live and publishes are written at once. */
    CONNECTED,
    /** {@link PushClient#close()} was called. Terminal. */
    CLOSED
}
