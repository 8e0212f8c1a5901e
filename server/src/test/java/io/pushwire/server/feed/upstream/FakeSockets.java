package io.pushwire.server.feed.upstream;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Sockets the test opens, feeds and breaks by hand. Every attempt is kept, in order. */
final class FakeSockets implements UpstreamSocket.Opener {
    final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());

    /** One connection attempt: accept it, refuse it, then talk through its socket. */
    static final class Attempt {
        final URI uri;
        final UpstreamSocket.Listener listener;
        final CompletableFuture<UpstreamSocket> result = new CompletableFuture<>();
        final Socket socket = new Socket();

        Attempt(URI uri, UpstreamSocket.Listener listener) {
            this.uri = uri;
            this.listener = listener;
        }

        Attempt accept() {
            result.complete(socket);
            return this;
        }

        void fail(Throwable error) {
            result.completeExceptionally(error);
        }

        /** The exchange sends a text message. */
        void receive(String text) {
            listener.onText(text);
        }

        void receivePing() {
            listener.onPing();
        }

        /** The connection ends: a close frame, or 1006 for a reset. */
        void end(int code, String reason) {
            listener.onClosed(code, reason);
        }
    }

    /** What the connector did with one socket. */
    static final class Socket implements UpstreamSocket {
        final List<String> sent = Collections.synchronizedList(new ArrayList<>());
        int pings;
        Integer closedWith;
        boolean aborted;

        @Override
        public void send(String text) {
            sent.add(text);
        }

        @Override
        public void ping(ByteBuffer payload) {
            pings++;
        }

        @Override
        public void close(int code, String reason) {
            closedWith = code;
        }

        @Override
        public void abort() {
            aborted = true;
        }

        boolean isOpen() {
            return closedWith == null && !aborted;
        }
    }

    @Override
    public CompletableFuture<UpstreamSocket> open(URI uri, Duration timeout, UpstreamSocket.Listener listener) {
        Attempt attempt = new Attempt(uri, listener);
        attempts.add(attempt);
        return attempt.result;
    }

    Attempt last() {
        return attempts.get(attempts.size() - 1);
    }

    int count() {
        return attempts.size();
    }

    /** Sockets accepted and neither closed nor aborted by the connector. */
    long openSockets() {
        return attempts.stream().filter(a -> a.result.isDone() && !a.result.isCompletedExceptionally() && a.socket.isOpen()).count();
    }
}
