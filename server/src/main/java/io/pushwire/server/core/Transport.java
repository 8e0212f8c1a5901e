package io.pushwire.server.core;

import io.pushwire.protocol.FrameCodec;
import java.io.IOException;
import java.util.List;

/**
 * The narrow seam between the core and a WebSocket implementation: one open connection.
 *
 * <p>{@link #send} is called by one thread at a time (the connection's serial writer) and may block;
 * {@link #close} and {@link #abort} may be called from any thread, more than once, and must not throw.
 */
public interface Transport {
    /** Writes one text message; blocks until the transport accepted it. */
    void send(String text) throws IOException;

    /**
     * Writes encoded frames as ONE text message: the frame alone when there is one, else a JSON array of
     * them ({@link FrameCodec#joinBatch}). The same frame instances go to many connections, so a
     * transport can encode each once for all of them.
     */
    default void sendBatch(List<String> frames) throws IOException {
        send(FrameCodec.joinBatch(frames));
    }

    /** Closes the connection with a WebSocket close code and a short reason. */
    void close(int code, String reason);

    /**
     * Drops the connection at once, without waiting for the close handshake: for a peer that stopped
     * reading, or never answers our close frame. Returns whether the connection was still open.
     */
    boolean abort();

    /** The peer's address, for logs and per-address limits. */
    String remoteAddress();

    /**
     * The peer's host, without its port: what per-address limits count. Derived from
     * {@link #remoteAddress()} ({@code /10.0.3.7:51234}, {@code [::1]:51234}) unless overridden.
     */
    default String remoteHost() {
        String address = remoteAddress();
        if (address.startsWith("/")) {
            address = address.substring(1);
        }
        int colon = address.lastIndexOf(':');
        boolean bracketed = address.startsWith("[");
        if (bracketed) {
            int end = address.indexOf(']');
            return end > 0 ? address.substring(1, end) : address;
        }
        // One colon: host:port. More: a bare IPv6 address (no port to strip) or IPv6 with a port.
        return colon > 0 && address.indexOf(':') == colon ? address.substring(0, colon) : address;
    }
}
