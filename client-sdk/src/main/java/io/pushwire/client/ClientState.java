package io.pushwire.client;

/** Where a {@link PushClient} is in its life. */
public enum ClientState {
    /** Not connected; {@link PushClient#connect()} may be called. The state after a transport loss. */
    DISCONNECTED,
    /** Opening the WebSocket and waiting for {@code welcome}. */
    CONNECTING,
    /** {@code welcome} received: subscriptions are live. */
    CONNECTED,
    /** {@link PushClient#close()} was called. Terminal. */
    CLOSED
}
