package io.pushwire.client;

import io.pushwire.protocol.Gap;
import io.pushwire.protocol.Status;
import io.pushwire.protocol.Welcome;

/**
 * Connection-level callbacks of a {@link PushClient}. Every method has a no-op default; override what
 * you need. All are called on the client's event thread (named {@code pushwire-client-N}), in order,
 * never concurrently, and interleaved with event handlers in wire order. Do not block in them.
 */
public interface PushListener {
    /** The state changed. Called for every transition, before the more specific callbacks. */
    default void onStateChanged(ClientState previous, ClientState current) {
    }

    /** The server accepted the hello. */
    default void onConnected(Welcome welcome) {
    }

    /** The connection ended, with the WebSocket close code and reason (1006 when it broke without one). */
    default void onDisconnected(int closeCode, String reason) {
    }

    /** The server announced events this client will not receive. */
    default void onGap(Gap gap) {
    }

    /** The upstream health of a channel changed. */
    default void onStatus(Status status) {
    }

    /**
     * Something went wrong that is not the answer to one call: an {@code error} frame without a request
     * id, a server message that could not be decoded, or an exception thrown by a handler.
     */
    default void onError(PushClientException error) {
    }
}
