package io.pushwire.client.internal;

import io.pushwire.protocol.RetryAfter;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link Transport} on the JDK's {@code java.net.http.WebSocket}.
 *
 * <p>The JDK socket allows one outstanding send, so sends are chained. Reading is demand-driven: the
 * next message is requested only when the listener has processed the previous one, so a slow
 * application slows the socket (and the server sees a slow consumer) instead of buffering without bound.
 */
public final class JdkWebSocketTransport implements Transport {
    /** How long {@link #close} waits for the server's close frame before dropping the socket. */
    private static final long CLOSE_HANDSHAKE_TIMEOUT_MS = 5_000;
    private final WebSocket socket;
    private final Object sendLock = new Object();
    /** Guarded by {@link #sendLock}: the tail of the send chain. */
    private CompletableFuture<Void> lastSend = CompletableFuture.completedFuture(null);

    private JdkWebSocketTransport(WebSocket socket) {
        this.socket = socket;
    }

    /** A factory sharing one {@link HttpClient}. */
    public static TransportFactory factory(HttpClient client) {
        return (uri, subprotocols, timeout, listener) -> open(client, uri, subprotocols, timeout, listener);
    }

    private static CompletableFuture<Transport> open(HttpClient client, URI uri, List<String> subprotocols,
                                                     Duration timeout, TransportListener listener) {
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(timeout);
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        return builder.buildAsync(uri, new Reader(listener))
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((socket, error) -> {
                    if (error != null) {
                        throw new CompletionException(describeFailure(error, uri, timeout, System.currentTimeMillis()));
                    }
                    return (Transport) new JdkWebSocketTransport(socket);
                });
    }

    /**
     * Names why the WebSocket to {@code uri} could not be opened:
     * <ul>
     *   <li>a refused upgrade ({@link WebSocketHandshakeException}) becomes a {@link HandshakeRejectedException}
     *       carrying the HTTP status and {@code Retry-After};</li>
     *   <li>a refused TCP connection, an unknown host, and a connect or handshake that took longer than
     *       {@code timeout} become a {@link ConnectFailedException} that says so, with the address;</li>
     *   <li>other failures (TLS among them, whose own exceptions say what was wrong) pass through.</li>
     * </ul>
     * The JDK's HttpClient reports a refused connection as a {@link ConnectException} caused by a
     * {@link ClosedChannelException}: it retries a connect that failed with "Connection refused" once, on
     * the channel the failure closed, and reports the retry's failure (JDK 17 to 25). Without the retry
     * ({@code -Djdk.httpclient.disableRetryConnect=true}) the message says "Connection refused" itself.
     */
    static Throwable describeFailure(Throwable error, URI uri, Duration timeout, long nowEpochMs) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof WebSocketHandshakeException) {
            HttpResponse<?> response = ((WebSocketHandshakeException) cause).getResponse();
            if (response != null) {
                long retryAfter = RetryAfter.parseMillis(
                        response.headers().firstValue("Retry-After").orElse(null), nowEpochMs);
                return new HandshakeRejectedException(response.statusCode(), retryAfter, cause);
            }
        }
        String address = address(uri);
        if (cause instanceof TimeoutException) {
            return new ConnectFailedException("no WebSocket handshake with " + address + " within "
                    + timeout.toMillis() + " ms", cause);
        }
        if (cause instanceof HttpConnectTimeoutException
                || cause instanceof ConnectException && mentions(cause, "timed out")) {
            return new ConnectFailedException("connecting to " + address + " timed out after "
                    + timeout.toMillis() + " ms", cause);
        }
        if (cause instanceof ConnectException) {
            Throwable reason = cause.getCause();
            if (reason instanceof UnresolvedAddressException || reason instanceof UnknownHostException) {
                return new ConnectFailedException("unknown host " + uri.getHost() + " (" + address + ")", cause);
            }
            if (reason instanceof ClosedChannelException || mentions(cause, "connection refused")) {
                return new ConnectFailedException("connection refused by " + address, cause);
            }
        }
        return cause;
    }

    /** host:port of a ws:// or wss:// URI, with the scheme's default port when it names none. */
    static String address(URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getHost() + ":" + port;
    }

    private static boolean mentions(Throwable error, String words) {
        String message = error.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains(words);
    }

    @Override
    public CompletableFuture<Void> sendText(String text) {
        synchronized (sendLock) {
            CompletableFuture<Void> next = lastSend.handle((ignored, error) -> null)
                    .thenCompose(ignored -> socket.sendText(text, true))
                    .thenApply(ws -> (Void) null);
            lastSend = next;
            return next;
        }
    }

    @Override
    public void close(int code, String reason) {
        synchronized (sendLock) {
            lastSend = lastSend.handle((ignored, error) -> null)
                    .thenCompose(ignored -> socket.sendClose(code, reason))
                    .handle((ws, error) -> {
                        if (error != null) {
                            socket.abort();
                        } else {
                            // A server that never answers the close must not keep the socket open.
                            CompletableFuture.delayedExecutor(CLOSE_HANDSHAKE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                                    .execute(socket::abort);
                        }
                        return null;
                    });
        }
    }

    @Override
    public void abort() {
        socket.abort();
    }

    /** Assembles fragmented text and reports the end of the connection exactly once. */
    private static final class Reader implements WebSocket.Listener {
        private final TransportListener listener;
        private final StringBuilder partial = new StringBuilder();
        private final AtomicBoolean ended = new AtomicBoolean();

        Reader(TransportListener listener) {
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
        public CompletionStage<?> onBinary(WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
            // Protocol v1 servers send text only; binary is ignored.
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
            // No close frame: the connection broke. Say how, since the JDK's message alone is often empty.
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
