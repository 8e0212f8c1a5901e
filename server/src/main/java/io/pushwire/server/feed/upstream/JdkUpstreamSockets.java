package io.pushwire.server.feed.upstream;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link UpstreamSocket}s on the JDK's {@code java.net.http.WebSocket}. The JDK answers every ping with a
 * pong carrying the same payload by itself, which is exactly what Binance requires; the connector never
 * sends pongs of its own (Binance counts them against its 5 messages per second).
 */
final class JdkUpstreamSockets implements UpstreamSocket.Opener {
    /** How long a close waits for the exchange's close frame before the socket is dropped. */
    private static final long CLOSE_TIMEOUT_MS = 3_000;
    private final HttpClient client;

    JdkUpstreamSockets(HttpClient client) {
        this.client = client;
    }

    /** The client's threads end once its sockets have closed; no wait here. */
    @Override
    public void close() {
        client.shutdown();
    }

    @Override
    public CompletableFuture<UpstreamSocket> open(URI uri, Duration timeout, UpstreamSocket.Listener listener) {
        return client.newWebSocketBuilder().connectTimeout(timeout)
                .buildAsync(uri, new Reader(listener))
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(Socket::new);
    }

    /** Sends are chained: the JDK socket allows one outstanding send at a time. */
    private static final class Socket implements UpstreamSocket {
        private final WebSocket socket;
        private final Object sendLock = new Object();
        /** Guarded by {@link #sendLock}. */
        private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

        Socket(WebSocket socket) {
            this.socket = socket;
        }

        @Override
        public void send(String text) {
            chain(() -> socket.sendText(text, true));
        }

        @Override
        public void ping(ByteBuffer payload) {
            chain(() -> socket.sendPing(payload));
        }

        @Override
        public void close(int code, String reason) {
            chain(() -> socket.sendClose(code, reason));
            CompletableFuture.delayedExecutor(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS).execute(socket::abort);
        }

        @Override
        public void abort() {
            socket.abort();
        }

        private void chain(java.util.function.Supplier<CompletableFuture<WebSocket>> send) {
            synchronized (sendLock) {
                lastSend = lastSend.handle((ignored, error) -> null)
                        .thenCompose(ignored -> send.get())
                        .whenComplete((ignored, error) -> {
                            if (error != null) {
                                socket.abort(); // the reader reports the end
                            }
                        });
            }
        }
    }

    /** Assembles fragmented text and reports the end exactly once. */
    private static final class Reader implements WebSocket.Listener {
        private final UpstreamSocket.Listener listener;
        private final StringBuilder partial = new StringBuilder();
        private final AtomicBoolean ended = new AtomicBoolean();

        Reader(UpstreamSocket.Listener listener) {
            this.listener = listener;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (!last) {
                webSocket.request(1);
                return null;
            }
            String message = partial.toString();
            partial.setLength(0);
            return listener.onText(message).whenComplete((ignored, error) -> webSocket.request(1));
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1); // the market data we read is JSON text
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            listener.onPing();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            listener.onPong();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            end(statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            String message = error.getMessage();
            end(1006, error.getClass().getSimpleName() + (message == null || message.isEmpty() ? "" : ": " + message));
        }

        private void end(int code, String reason) {
            if (ended.compareAndSet(false, true)) {
                listener.onClosed(code, reason);
            }
        }
    }
}
