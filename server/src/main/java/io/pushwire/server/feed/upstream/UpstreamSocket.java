package io.pushwire.server.feed.upstream;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One WebSocket connection to an exchange, as the connector needs it. Sends never block and never
 * throw: a failed send surfaces as {@link Listener#onClosed}.
 */
interface UpstreamSocket {
    /** Sends one text message; messages go out in call order. */
    void send(String text);

    /** Sends a protocol-level ping frame. */
    void ping(ByteBuffer payload);

    /** Starts the close handshake; the socket is dropped if the exchange does not answer in time. */
    void close(int code, String reason);

    /** Drops the connection without a close handshake. */
    void abort();

    /**
     * What the socket reports, from its own threads, in order. {@link #onClosed} comes exactly once and
     * last, for a close frame (its code) or a broken connection (1006 and a description).
     */
    interface Listener {
        /** A whole text message; the next one is read when the returned stage completes. */
        CompletionStage<?> onText(String text);

        /** A protocol ping arrived (the socket answers it with a pong echoing its payload). */
        void onPing();

        /** A protocol pong arrived. */
        void onPong();

        void onClosed(int code, String reason);
    }

    /** Opens sockets. */
    interface Opener extends AutoCloseable {
        /**
         * Connects to {@code uri}; fails with the exception that ended the attempt (a refused upgrade is a
         * {@link java.net.http.WebSocketHandshakeException} carrying the HTTP response).
         */
        CompletableFuture<UpstreamSocket> open(URI uri, Duration timeout, Listener listener);

        /** Releases what it holds; sockets already open close on their own. Never blocks. */
        @Override
        default void close() {
        }
    }
}
