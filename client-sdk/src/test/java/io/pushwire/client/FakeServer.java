package io.pushwire.client;

import io.pushwire.client.internal.Transport;
import io.pushwire.client.internal.TransportFactory;
import io.pushwire.client.internal.TransportListener;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-process server for SDK tests: each connection attempt becomes a {@link Conn} the test drives,
 * reading what the client sent and pushing frames back. Deterministic: no sockets, no timers.
 */
final class FakeServer implements TransportFactory {
    static final FrameCodec CODEC = new FrameCodec();
    private final BlockingQueue<Conn> accepted = new LinkedBlockingQueue<>();
    private volatile boolean refuse;

    @Override
    public CompletableFuture<Transport> open(java.net.URI uri, List<String> subprotocols, java.time.Duration timeout,
                                             TransportListener listener) {
        if (refuse) {
            return CompletableFuture.failedFuture(new java.net.ConnectException("refused by fake"));
        }
        Conn conn = new Conn(listener, subprotocols);
        accepted.add(conn);
        return CompletableFuture.completedFuture(conn);
    }

    void refuseConnections() {
        refuse = true;
    }

    /** The next connection the client opened. */
    Conn accept() throws InterruptedException {
        Conn conn = accepted.poll(5, TimeUnit.SECONDS);
        if (conn == null) {
            throw new AssertionError("client opened no connection");
        }
        return conn;
    }

    /** One fake connection. */
    static final class Conn implements Transport {
        final List<String> subprotocols;
        private final TransportListener listener;
        private final BlockingQueue<String> fromClient = new LinkedBlockingQueue<>();
        volatile int closedWithCode;
        volatile boolean aborted;

        Conn(TransportListener listener, List<String> subprotocols) {
            this.listener = listener;
            this.subprotocols = subprotocols;
        }

        @Override
        public CompletableFuture<Void> sendText(String text) {
            fromClient.add(text);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close(int code, String reason) {
            closedWithCode = code;
        }

        @Override
        public void abort() {
            aborted = true;
        }

        /** The next frame the client sent. */
        Frame read() throws InterruptedException {
            String text = fromClient.poll(5, TimeUnit.SECONDS);
            if (text == null) {
                throw new AssertionError("client sent nothing");
            }
            return CODEC.decodeOne(text);
        }

        /** Asserts the client sent nothing more within a short wait. */
        void assertSilent() throws InterruptedException {
            String text = fromClient.poll(100, TimeUnit.MILLISECONDS);
            if (text != null) {
                throw new AssertionError("client sent unexpected " + text);
            }
        }

        /** Pushes raw text and waits until the client processed it. */
        void push(String text) {
            listener.onText(text).toCompletableFuture().join();
        }

        void push(Frame frame) {
            push(CODEC.encode(frame));
        }

        void pushBatch(Frame... frames) {
            push(CODEC.encodeBatch(List.of(frames)));
        }

        void closeFromServer(int code, String reason) {
            listener.onClosed(code, reason);
        }
    }
}
