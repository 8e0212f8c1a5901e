package io.pushwire.client;

import io.pushwire.client.internal.HandshakeRejectedException;
import io.pushwire.client.internal.Transport;
import io.pushwire.client.internal.TransportFactory;
import io.pushwire.client.internal.TransportListener;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Hello;
import io.pushwire.protocol.Welcome;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process server for SDK tests: each connection attempt becomes a {@link Conn} the test drives,
 * reading what the client sent and pushing frames back. Deterministic: no sockets, no timers. It can
 * refuse connections, answer the handshake with HTTP 429 and Retry-After, close with any code, drop a
 * connection without a close frame, or go silent (half-open TCP).
 */
final class FakeServer implements TransportFactory {
    static final FrameCodec CODEC = new FrameCodec();
    private final BlockingQueue<Conn> accepted = new LinkedBlockingQueue<>();
    private final Queue<RuntimeException> nextFailures = new ArrayDeque<>();
    private final AtomicInteger opens = new AtomicInteger();
    private volatile boolean refuse;

    @Override
    public CompletableFuture<Transport> open(java.net.URI uri, List<String> subprotocols, java.time.Duration timeout,
                                             TransportListener listener) {
        opens.incrementAndGet();
        RuntimeException failure;
        synchronized (nextFailures) {
            failure = nextFailures.poll();
        }
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
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

    void acceptConnections() {
        refuse = false;
    }

    /** The next handshake is answered with an HTTP status instead of an upgrade. */
    void rejectNextHandshake(int status, long retryAfterMs) {
        synchronized (nextFailures) {
            nextFailures.add(new HandshakeRejectedException(status, retryAfterMs, null));
        }
    }

    /** How many times the client tried to open a connection. */
    int opens() {
        return opens.get();
    }

    /** The next connection the client opened. */
    Conn accept() throws InterruptedException {
        Conn conn = accepted.poll(5, TimeUnit.SECONDS);
        if (conn == null) {
            throw new AssertionError("client opened no connection");
        }
        return conn;
    }

    /** Asserts the client opened no connection within a short wait. */
    void assertNoConnection() throws InterruptedException {
        Conn conn = accepted.poll(100, TimeUnit.MILLISECONDS);
        if (conn != null) {
            throw new AssertionError("client opened an unexpected connection");
        }
    }

    static Welcome welcome(Long id, String clientId, boolean resumed) {
        return welcome(id, clientId, resumed, 25_000, 10_000);
    }

    static Welcome welcome(Long id, String clientId, boolean resumed, long intervalMs, long timeoutMs) {
        return new Welcome(id, clientId, "secret-" + clientId, resumed, new Welcome.Heartbeat(intervalMs, timeoutMs),
                new Welcome.Limits(50, 100, 65_536), 120_000);
    }

    /** One fake connection. */
    static final class Conn implements Transport {
        final List<String> subprotocols;
        private final TransportListener listener;
        private final BlockingQueue<String> fromClient = new LinkedBlockingQueue<>();
        private final Queue<Frame> unread = new ArrayDeque<>();
        final AtomicInteger messages = new AtomicInteger();
        volatile int closedWithCode;
        volatile boolean aborted;

        Conn(TransportListener listener, List<String> subprotocols) {
            this.listener = listener;
            this.subprotocols = subprotocols;
        }

        @Override
        public CompletableFuture<Void> sendText(String text) {
            messages.incrementAndGet();
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

        /** The next frame the client sent; frames of a batch message one by one. */
        Frame read() throws InterruptedException {
            if (unread.isEmpty()) {
                unread.addAll(CODEC.decode(readMessage()));
            }
            return unread.poll();
        }

        /** The next whole message the client sent, as text. */
        String readMessage() throws InterruptedException {
            if (!unread.isEmpty()) {
                throw new AssertionError("frames of the previous message are unread: " + unread);
            }
            String text = fromClient.poll(5, TimeUnit.SECONDS);
            if (text == null) {
                throw new AssertionError("client sent nothing");
            }
            return text;
        }

        /** Reads the hello and answers it with a welcome; returns the hello. */
        Hello welcome(String clientId, boolean resumed) throws InterruptedException {
            Hello hello = (Hello) read();
            push(FakeServer.welcome(hello.id(), clientId, resumed));
            return hello;
        }

        /** Asserts the client sent nothing more within a short wait. */
        void assertSilent() throws InterruptedException {
            if (!unread.isEmpty()) {
                throw new AssertionError("client sent unexpected " + unread);
            }
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

        /** The TCP connection breaks without a close frame, as the JDK reports it. */
        void dropAbruptly() {
            listener.onClosed(1006, "Connection reset");
        }
    }
}
