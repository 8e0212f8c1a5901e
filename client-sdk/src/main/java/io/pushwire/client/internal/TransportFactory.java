package io.pushwire.client.internal;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Opens transports; the seam that lets tests put a fake server behind the client. */
public interface TransportFactory {
    /**
     * Opens a WebSocket to {@code uri} offering {@code subprotocols}. Completes with the open transport,
     * or exceptionally when the handshake fails or takes longer than {@code timeout}.
     */
    CompletableFuture<Transport> open(URI uri, List<String> subprotocols, Duration timeout, TransportListener listener);
}
