package io.pushwire.it.exchange;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A minimal RFC 6455 server on a plain {@link ServerSocket} bound to 127.0.0.1 on an ephemeral port, so
 * that a fake exchange controls every byte and every fault: refused upgrades with {@code Retry-After},
 * resets without a close frame, blackholed sockets, pings with chosen payloads. One virtual thread reads
 * each connection and one writes it (through a bounded queue, so a publisher never blocks on a slow
 * client). Everything is bounded: request heads, message sizes (close 1009 beyond
 * {@link #MAX_MESSAGE_BYTES}), send queues, and the close handshake's wait.
 */
public final class FakeWebSocketServer implements AutoCloseable {
    /** The largest client message (after reassembly of fragments) the fake accepts. */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;
    static final int MAX_HANDSHAKE_BYTES = 16 * 1024;
    /** Frames queued for one client before it counts as a slow consumer and is reset. */
    static final int SEND_QUEUE_FRAMES = 8192;
    /** How long the fake waits for the client's answer to its close frame before closing the socket. */
    static final long CLOSE_HANDSHAKE_WAIT_MS = 1000;
    private static final int HANDSHAKE_TIMEOUT_MS = 5000;

    /** What the owner of the server (a fake exchange) decides and hears. Called on connection threads. */
    interface Handler {
        /** An HTTP status to refuse this handshake with (e.g. 404 for a path not served), or 0 to accept. */
        default int refusal(String target) {
            return 0;
        }

        default void onRefused(String target, int status) {
        }

        void onOpen(Connection connection);

        void onText(Connection connection, String text);

        default void onBinary(Connection connection, byte[] data) {
        }

        /** A protocol ping; it has already been answered unless answering is switched off. */
        default void onPing(Connection connection, byte[] payload) {
        }

        default void onPong(Connection connection, byte[] payload) {
        }

        default void onClosed(Connection connection) {
        }
    }

    private final ServerSocket listener;
    private final Handler handler;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final List<Connection> all = new CopyOnWriteArrayList<>();
    private final List<String> handshakeTargets = new CopyOnWriteArrayList<>();
    private final AtomicInteger tcpAccepted = new AtomicInteger();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Object refusalLock = new Object();
    private int refusalsLeft;
    private int refusalStatus;
    private String refusalRetryAfter;
    private volatile boolean answerPings = true;
    private volatile boolean closed;

    FakeWebSocketServer(String name, Handler handler) throws IOException {
        this.handler = handler;
        this.listener = new ServerSocket(0, 256, InetAddress.getByName("127.0.0.1"));
        Thread.ofVirtual().name(name + "-accept").start(this::acceptLoop);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code ws://127.0.0.1:<port><pathAndQuery>}. */
    public URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port() + pathAndQuery);
    }

    /**
     * Answers the next {@code count} upgrade requests with {@code httpStatus} (and a {@code Retry-After}
     * header when not {@code null}) and closes them, as an exchange does when a client connects too often.
     */
    public void refuseNextHandshakes(int count, int httpStatus, String retryAfterOrNull) {
        synchronized (refusalLock) {
            refusalsLeft = count;
            refusalStatus = httpStatus;
            refusalRetryAfter = retryAfterOrNull;
        }
    }

    /** Whether client PING frames are answered with a PONG echoing their payload (RFC 6455 requires it). */
    public void answerProtocolPings(boolean answer) {
        answerPings = answer;
    }

    boolean answersProtocolPings() {
        return answerPings;
    }

    /** Connections currently open (upgraded and not yet closed). */
    public List<Connection> openConnections() {
        return List.copyOf(open);
    }

    /** Every upgraded connection so far, open or not, in handshake order. */
    public List<Connection> connections() {
        return List.copyOf(all);
    }

    public List<ConnectionRecord> records() {
        List<ConnectionRecord> records = new ArrayList<>();
        all.forEach(connection -> records.add(connection.record()));
        return records;
    }

    /** The request path and query of every handshake (accepted or refused), in arrival order. */
    public List<String> handshakeTargets() {
        return List.copyOf(handshakeTargets);
    }

    /** TCP connections accepted, whether or not they completed a handshake. */
    public int tcpAccepted() {
        return tcpAccepted.get();
    }

    /** Upgrade requests received, accepted or refused. */
    public int handshakes() {
        return handshakes.get();
    }

    /** Upgrade requests answered with an error status. */
    public int refusedHandshakes() {
        return refused.get();
    }

    /** Upgrades accepted. */
    public int connectionsTotal() {
        return all.size();
    }

    public int openCount() {
        return open.size();
    }

    /** The most connections that were ever open at the same time. */
    public int maxConcurrentlyOpen() {
        return maxOpen.get();
    }

    /** Stops accepting and closes every connection (without a close frame). */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(connection -> connection.disconnect(CloseReason.FAKE_STOPPED));
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = listener.accept();
                tcpAccepted.incrementAndGet();
                Thread.ofVirtual().name("fake-ws-conn").start(() -> serve(socket));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("fake websocket server: accept failed: " + e);
                }
            }
        }
    }

    private void serve(Socket socket) {
        Connection connection;
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            OutputStream out = socket.getOutputStream();
            Handshake request = Handshake.read(in, MAX_HANDSHAKE_BYTES);
            if (request == null) {
                socket.close();
                return;
            }
            handshakes.incrementAndGet();
            handshakeTargets.add(request.target());
            int status = request.problemStatus();
            String retryAfter = null;
            if (status == 0) {
                synchronized (refusalLock) {
                    if (refusalsLeft > 0) {
                        refusalsLeft--;
                        status = refusalStatus;
                        retryAfter = refusalRetryAfter;
                    }
                }
            }
            if (status == 0) {
                status = handler.refusal(request.target());
            }
            if (status != 0) {
                refused.incrementAndGet();
                Handshake.refuse(out, status, retryAfter);
                handler.onRefused(request.target(), status);
                socket.shutdownOutput();
                socket.close();
                return;
            }
            if (closed) {
                socket.close();
                return;
            }
            request.accept(out);
            socket.setSoTimeout(0);
            connection = new Connection(nextId.getAndIncrement(), socket, in, out, request.target());
        } catch (IOException e) {
            closeQuietly(socket);
            return;
        }
        all.add(connection);
        open.add(connection);
        maxOpen.accumulateAndGet(open.size(), Math::max);
        connection.run();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** What the writer does after writing a frame. */
    private enum After { NOTHING, CLOSE_SOCKET, AWAIT_PEER_CLOSE }

    private record Outbound(byte[] bytes, After after) {
    }

    /**
     * One upgraded connection. Sends never block: they queue for the connection's writer thread, and a
     * client that lets {@link #SEND_QUEUE_FRAMES} frames pile up is reset as a slow consumer.
     */
    public final class Connection {
        private final int id;
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final String path;
        private final Instant openedAt = Instant.now();
        private final long openedNanos = System.nanoTime();
        private final LinkedBlockingQueue<Outbound> outbox = new LinkedBlockingQueue<>(SEND_QUEUE_FRAMES);
        private final AtomicReference<CloseReason> ending = new AtomicReference<>();
        private final AtomicBoolean finished = new AtomicBoolean();
        private final CountDownLatch peerClosed = new CountDownLatch(1);
        private final CountDownLatch dead = new CountDownLatch(1);
        private volatile Thread writer;
        private volatile boolean closeSent;
        private volatile boolean blackholed;
        private volatile int closeCode = -1;
        private volatile Instant closedAt;
        private volatile long lastClientFrameNanos = openedNanos;
        /** A fragmented message being reassembled: its opcode, or -1 when none is. */
        private int fragmentOpcode = -1;
        private final ByteArrayOutputStream fragments = new ByteArrayOutputStream();

        private Connection(int id, Socket socket, InputStream in, OutputStream out, String path) {
            this.id = id;
            this.socket = socket;
            this.in = in;
            this.out = out;
            this.path = path;
        }

        public int id() {
            return id;
        }

        /** The handshake's request path and query. */
        public String path() {
            return path;
        }

        public Instant openedAt() {
            return openedAt;
        }

        long openedNanos() {
            return openedNanos;
        }

        public boolean isOpen() {
            return dead.getCount() > 0;
        }

        public boolean isBlackholed() {
            return blackholed;
        }

        /** Whether the fake has sent its close frame (nothing else is sent after it). */
        public boolean isClosing() {
            return closeSent;
        }

        /** {@link System#nanoTime()} of the last frame of any kind from the client (the upgrade at first). */
        public long lastClientFrameNanos() {
            return lastClientFrameNanos;
        }

        public ConnectionRecord record() {
            return new ConnectionRecord(id, path, openedAt, closedAt, ending.get(), closeCode);
        }

        /** Queues a text message; false if the connection is closing, gone or blackholed. */
        public boolean sendText(String text) {
            return enqueue(Frames.encode(Frames.TEXT, text.getBytes(StandardCharsets.UTF_8)), After.NOTHING);
        }

        /** Queues a protocol PING (payload at most 125 bytes). */
        public boolean sendPing(byte[] payload) {
            return enqueue(Frames.encode(Frames.PING, checkControl(payload)), After.NOTHING);
        }

        /** Queues a protocol PONG, solicited or not. */
        public boolean sendPong(byte[] payload) {
            return enqueue(Frames.encode(Frames.PONG, checkControl(payload)), After.NOTHING);
        }

        /** Starts the close handshake with this code and reason, as a test's own decision. */
        public void close(int code, String reason) {
            close(code, reason, CloseReason.CLOSED_BY_TEST);
        }

        /**
         * Abortive close: SO_LINGER 0 then close, so the client sees a TCP RST and no close frame, as when
         * an exchange's load balancer drops the connection.
         */
        public void reset() {
            reset(CloseReason.RESET);
        }

        /** Ends the TCP connection (FIN) without a close frame. */
        public void disconnect() {
            disconnect(CloseReason.CLOSED_BY_TEST);
        }

        /**
         * Stops reading and writing while the socket stays open: from the client's side the exchange has
         * gone silent and nothing tells it so. Frames already queued are dropped; the frame being read
         * when this is called is the last one read. Ends with {@link #reset()} or when the fake closes.
         */
        public void blackhole() {
            blackholed = true;
            outbox.clear();
        }

        void close(int code, String reason, CloseReason why) {
            synchronized (this) {
                if (closeSent || blackholed || !isOpen()) {
                    return;
                }
                ending.compareAndSet(null, why);
                closeCode = code;
                if (!enqueue(Frames.encode(Frames.CLOSE, Frames.closePayload(code, reason)), After.AWAIT_PEER_CLOSE)) {
                    disconnect(why);
                }
                closeSent = true;
            }
        }

        void reset(CloseReason why) {
            ending.compareAndSet(null, why);
            try {
                socket.setSoLinger(true, 0);
            } catch (SocketException ignored) {
                // already closed
            }
            finish(why);
        }

        void disconnect(CloseReason why) {
            ending.compareAndSet(null, why);
            try {
                socket.shutdownOutput();
            } catch (IOException ignored) {
                // already closed
            }
            finish(why);
        }

        private static byte[] checkControl(byte[] payload) {
            if (payload.length > Frames.MAX_CONTROL_PAYLOAD) {
                throw new IllegalArgumentException("control frame payload over 125 bytes");
            }
            return payload;
        }

        private boolean enqueue(byte[] frame, After after) {
            if (closeSent || blackholed || !isOpen()) {
                return false;
            }
            if (!outbox.offer(new Outbound(frame, after))) {
                reset(CloseReason.SLOW_CONSUMER);
                return false;
            }
            return true;
        }

        private void run() {
            writer = Thread.ofVirtual().name("fake-ws-writer-" + id).start(this::writeLoop);
            try {
                handler.onOpen(this);
            } catch (RuntimeException e) {
                e.printStackTrace();
            }
            readLoop();
        }

        private void writeLoop() {
            try {
                while (isOpen()) {
                    Outbound next = outbox.take();
                    if (blackholed) {
                        continue;
                    }
                    out.write(next.bytes());
                    if (outbox.isEmpty() || next.after() != After.NOTHING) {
                        out.flush();
                    }
                    if (next.after() == After.CLOSE_SOCKET) {
                        disconnect(CloseReason.CLIENT_CLOSE);
                        return;
                    }
                    if (next.after() == After.AWAIT_PEER_CLOSE) {
                        peerClosed.await(CLOSE_HANDSHAKE_WAIT_MS, TimeUnit.MILLISECONDS);
                        disconnect(CloseReason.CLIENT_GONE);
                        return;
                    }
                }
            } catch (IOException e) {
                finish(CloseReason.CLIENT_GONE);
            } catch (InterruptedException e) {
                // finished elsewhere
            }
        }

        private void readLoop() {
            try {
                while (isOpen()) {
                    Frames.Frame frame = Frames.read(in, MAX_MESSAGE_BYTES);
                    if (blackholed) {
                        dead.await();
                        return;
                    }
                    lastClientFrameNanos = System.nanoTime();
                    if (!onFrame(frame)) {
                        return;
                    }
                }
            } catch (Frames.Violation violation) {
                close(violation.closeCode(), violation.getMessage(), violation.reason());
                drainUntilClosed();
            } catch (IOException e) {
                finish(CloseReason.CLIENT_GONE);
            } catch (InterruptedException e) {
                finish(CloseReason.FAKE_STOPPED);
            }
        }

        /** Handles one frame; false when reading should stop (the client's close frame arrived). */
        private boolean onFrame(Frames.Frame frame) throws Frames.Violation {
            switch (frame.opcode()) {
                case Frames.PING -> {
                    if (answerPings) {
                        sendPong(frame.payload());
                    }
                    call(() -> handler.onPing(this, frame.payload()));
                }
                case Frames.PONG -> call(() -> handler.onPong(this, frame.payload()));
                case Frames.CLOSE -> {
                    int code = Frames.closeCode(frame.payload());
                    synchronized (this) {
                        peerClosed.countDown();
                        if (!closeSent) {
                            ending.compareAndSet(null, CloseReason.CLIENT_CLOSE);
                            closeCode = code;
                            if (!enqueue(Frames.encode(Frames.CLOSE, Frames.closePayload(code, "")), After.CLOSE_SOCKET)) {
                                disconnect(CloseReason.CLIENT_CLOSE);
                            }
                            closeSent = true;
                        }
                    }
                    return false;
                }
                default -> onDataFrame(frame);
            }
            return true;
        }

        private void onDataFrame(Frames.Frame frame) throws Frames.Violation {
            int opcode = frame.opcode();
            if (opcode == Frames.CONTINUATION) {
                if (fragmentOpcode < 0) {
                    throw Frames.Violation.protocol("continuation frame without a message to continue");
                }
            } else if (fragmentOpcode >= 0) {
                throw Frames.Violation.protocol("new message while a fragmented one is unfinished");
            } else {
                fragmentOpcode = opcode;
            }
            if (fragments.size() + frame.payload().length > MAX_MESSAGE_BYTES) {
                throw Frames.Violation.tooBig((long) fragments.size() + frame.payload().length, MAX_MESSAGE_BYTES);
            }
            fragments.writeBytes(frame.payload());
            if (!frame.fin()) {
                return;
            }
            byte[] message = fragments.toByteArray();
            int messageOpcode = fragmentOpcode;
            fragments.reset();
            fragmentOpcode = -1;
            if (closeSent) {
                return; // data after the fake's close frame is discarded (RFC 6455 section 1.4)
            }
            if (messageOpcode == Frames.TEXT) {
                String text = Frames.utf8(message);
                call(() -> handler.onText(this, text));
            } else {
                call(() -> handler.onBinary(this, message));
            }
        }

        private static void call(Runnable callback) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                e.printStackTrace();
            }
        }

        /** After refusing a frame, discards input (bounded) so that closing the socket does not turn into a RST. */
        private void drainUntilClosed() {
            try {
                socket.setSoTimeout((int) CLOSE_HANDSHAKE_WAIT_MS);
                long budget = 2L * MAX_MESSAGE_BYTES;
                byte[] sink = new byte[16 * 1024];
                int read;
                while (budget > 0 && isOpen() && (read = in.read(sink)) >= 0) {
                    budget -= read;
                }
                peerClosed.countDown(); // the client closed its side: no close frame will follow
            } catch (IOException ignored) {
                // timed out or gone: the writer closes the socket
            }
        }

        private void finish(CloseReason fallback) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            ending.compareAndSet(null, fallback);
            closedAt = Instant.now();
            closeQuietly(socket);
            dead.countDown();
            Thread writerThread = writer;
            if (writerThread != null && writerThread != Thread.currentThread()) {
                writerThread.interrupt();
            }
            open.remove(this);
            call(() -> handler.onClosed(this));
        }

        @Override
        public String toString() {
            return "conn#" + id;
        }
    }
}
