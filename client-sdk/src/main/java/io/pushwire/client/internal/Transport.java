package io.pushwire.client.internal;

import java.util.concurrent.CompletableFuture;

/** One open WebSocket, as the client core sees it. */
public interface Transport {
    /** Queues a text message; sends are written in call order. Completes when written. */
    CompletableFuture<Void> sendText(String text);

    /** Starts the close handshake. */
    void close(int code, String reason);

    /** Drops the connection at once, without a close handshake. */
    void abort();
}
