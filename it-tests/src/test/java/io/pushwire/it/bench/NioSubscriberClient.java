package io.pushwire.it.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A lean WebSocket client for the benchmark's subscribers (RFC 6455, client side, text only): a few
 * selector threads, non-blocking sockets bound to their source address, one shared read buffer per
 * thread, and messages scanned as bytes through {@link AsciiView} with no UTF-8 decoding and no copy
 * unless a frame spans reads. The JDK client decodes every message into chars first and costs several
 * times more CPU per event, which on two shared cores is CPU taken from the server being measured.
 *
 * <p>It does what the benchmark needs and no more: masked client frames, unmasked server frames,
 * fragmented messages, ping/pong and close frames; no extensions, no TLS.
 */
final class NioSubscriberClient implements SubscriberClient {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final URI uri;
    private final InetSocketAddress server;
    private final String channel;
    private final SubscriberStats stats;
    private final Loop[] loops;
    private final List<Connection> connections = new ArrayList<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "subscriber-retry");
        thread.setDaemon(true);
        return thread;
    });

    NioSubscriberClient(URI uri, String channel, SubscriberStats stats, int threads) throws IOException {
        this.uri = uri;
        this.server = new InetSocketAddress(uri.getHost(), uri.getPort());
        this.channel = channel;
        this.stats = stats;
        this.loops = new Loop[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = new Loop(i);
        }
    }

    @Override
    public int connectAll(List<String> sourceAddresses, int concurrency, Duration timeout) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        for (String address : sourceAddresses) {
            inFlight.acquire();
            Connection connection;
            try {
                connection = new Connection(connections.size(), InetAddress.getByName(address),
                        loops[connections.size() % loops.length]);
            } catch (IOException e) {
                throw new IllegalArgumentException(address, e);
            }
            connections.add(connection);
            connection.ready.whenComplete((ok, error) -> inFlight.release());
            connection.loop.execute(() -> connection.connect(3));
        }
        return SubscriberMain.awaitReady(connections, timeout);
    }

    @Override
    public List<? extends Subscriber> subscribers() {
        return connections;
    }

    @Override
    public void closeAll() {
        for (Loop loop : loops) {
            loop.stop();
        }
        for (Connection connection : connections) {
            connection.abort();
        }
        retries.shutdownNow();
    }

    /** One selector thread and its connections. */
    private final class Loop implements Runnable {
        private final Selector selector;
        private final Thread thread;
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final ByteBuffer readBuffer = ByteBuffer.allocate(256 * 1024);
        private final AsciiView view = new AsciiView();
        private volatile boolean running = true;

        Loop(int index) throws IOException {
            this.selector = Selector.open();
            this.thread = Thread.ofPlatform().daemon().name("subscriber-nio-" + index).start(this);
        }

        void execute(Runnable task) {
            tasks.add(task);
            selector.wakeup();
        }

        void stop() {
            running = false;
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (running) {
                    selector.select(1_000);
                    Runnable task;
                    while ((task = tasks.poll()) != null) {
                        task.run();
                    }
                    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        ((Connection) key.attachment()).onSelected(key);
                    }
                }
            } catch (IOException | RuntimeException e) {
                stats.problem("selector loop died: " + e);
            }
        }
    }

    private final class Connection extends Subscriber {
        private final InetAddress source;
        private final Loop loop;
        private SocketChannel socket;
        private SelectionKey key;
        private boolean open;
        private String expectedAccept;
        /** Bytes received but not yet parsed (a partial frame or the handshake response). */
        private byte[] pending = new byte[0];
        private int pendingLength;
        /** A fragmented message being joined. */
        private byte[] fragments;
        private int fragmentsLength;
        private final ArrayDeque<ByteBuffer> outbound = new ArrayDeque<>();

        Connection(int index, InetAddress source, Loop loop) {
            super(index, NioSubscriberClient.this.channel, NioSubscriberClient.this.stats);
            this.source = source;
            this.loop = loop;
        }

        /** On the loop thread. */
        void connect(int attempts) {
            attemptsLeft = attempts;
            try {
                socket = SocketChannel.open();
                socket.configureBlocking(false);
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
                socket.bind(new InetSocketAddress(source, 0));
                key = socket.register(loop.selector, SelectionKey.OP_CONNECT, this);
                if (socket.connect(server)) {
                    connected();
                }
            } catch (IOException e) {
                failedToConnect(attempts, e);
            }
        }

        private int attemptsLeft;

        private void failedToConnect(int attempts, Exception error) {
            closeQuietly();
            if (attempts > 1) {
                stats.connectRetries.increment();
                retries.schedule(() -> loop.execute(() -> connect(attempts - 1)), 200 + (index % 50) * 20L,
                        TimeUnit.MILLISECONDS);
            } else {
                stats.problem("connect failed from " + source + ": " + error);
                ready.complete(false);
            }
        }

        private void connected() throws IOException {
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String secret = Base64.getEncoder().encodeToString(nonce);
            expectedAccept = accept(secret);
            String request = "GET " + uri.getRawPath() + " HTTP/1.1\r\n"
                    + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + secret + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: pushwire.v1\r\n\r\n";
            key.interestOps(SelectionKey.OP_READ);
            write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        }

        /** The selector says this connection can make progress. */
        void onSelected(SelectionKey selected) {
            try {
                if (!selected.isValid()) {
                    return;
                }
                if (selected.isConnectable()) {
                    socket.finishConnect();
                    connected();
                    return;
                }
                if (selected.isWritable()) {
                    flush();
                }
                if (selected.isReadable()) {
                    read();
                }
            } catch (IOException | RuntimeException e) {
                if (!open && !subscribed) {
                    failedToConnect(attemptsLeft, e);
                } else {
                    closeQuietly();
                    closed(1006, String.valueOf(e));
                }
            }
        }

        private void read() throws IOException {
            ByteBuffer buffer = loop.readBuffer;
            buffer.clear();
            int n = socket.read(buffer);
            if (n < 0) {
                throw new IOException("end of stream");
            }
            if (n == 0) {
                return;
            }
            long now = SubscriberStats.nowMicros();
            byte[] data;
            int length;
            if (pendingLength == 0) {
                data = buffer.array();
                length = n;
            } else {
                ensurePending(pendingLength + n);
                System.arraycopy(buffer.array(), 0, pending, pendingLength, n);
                pendingLength += n;
                data = pending;
                length = pendingLength;
            }
            int used = open ? frames(data, 0, length, now) : handshake(data, length, now);
            int left = length - used;
            if (left > 0 && data != pending) {
                ensurePending(left);
                System.arraycopy(data, used, pending, 0, left);
            } else if (left > 0) {
                System.arraycopy(pending, used, pending, 0, left);
            }
            pendingLength = left;
            if (left == 0 && pending.length > 64 * 1024) {
                pending = new byte[0];
            }
        }

        private void ensurePending(int capacity) {
            if (pending.length < capacity) {
                pending = Arrays.copyOf(pending, Math.max(capacity, pending.length * 2));
            }
        }

        /** Parses the 101 response; returns the bytes it used (0 while incomplete). */
        private int handshake(byte[] data, int length, long now) throws IOException {
            int end = -1;
            for (int i = 3; i < length; i++) {
                if (data[i] == '\n' && data[i - 1] == '\r' && data[i - 2] == '\n' && data[i - 3] == '\r') {
                    end = i + 1;
                    break;
                }
            }
            if (end < 0) {
                if (length > 16 * 1024) {
                    throw new IOException("handshake response too long");
                }
                return 0;
            }
            String response = new String(data, 0, end, StandardCharsets.ISO_8859_1);
            if (!response.startsWith("HTTP/1.1 101")) {
                throw new IOException("handshake refused: " + response.lines().findFirst().orElse(""));
            }
            boolean accepted = response.lines().anyMatch(line -> line.regionMatches(true, 0,
                    "Sec-WebSocket-Accept:", 0, 21) && line.substring(21).trim().equals(expectedAccept));
            if (!accepted) {
                throw new IOException("bad Sec-WebSocket-Accept in " + response);
            }
            open = true;
            opened();
            return end + frames(data, end, length, now);
        }

        /** Parses whole frames from [from, length); returns the bytes it used. */
        private int frames(byte[] data, int from, int length, long now) throws IOException {
            int p = from;
            while (length - p >= 2) {
                int b0 = data[p] & 0xFF;
                int b1 = data[p + 1] & 0xFF;
                boolean fin = (b0 & 0x80) != 0;
                int opcode = b0 & 0x0F;
                boolean masked = (b1 & 0x80) != 0;
                long payload = b1 & 0x7F;
                int header = 2;
                if (payload == 126) {
                    if (length - p < 4) {
                        break;
                    }
                    payload = ((data[p + 2] & 0xFF) << 8) | (data[p + 3] & 0xFF);
                    header = 4;
                } else if (payload == 127) {
                    if (length - p < 10) {
                        break;
                    }
                    payload = 0;
                    for (int i = 2; i < 10; i++) {
                        payload = (payload << 8) | (data[p + i] & 0xFF);
                    }
                    header = 10;
                }
                if (payload > 16 * 1024 * 1024) {
                    throw new IOException("frame of " + payload + " bytes");
                }
                int maskAt = p + header;
                if (masked) {
                    header += 4;
                }
                if (length - p < header + payload) {
                    break;
                }
                int start = p + header;
                int size = (int) payload;
                if (masked) {
                    for (int i = 0; i < size; i++) {
                        data[start + i] ^= data[maskAt + (i & 3)];
                    }
                }
                frame(fin, opcode, data, start, size, now);
                p = start + size;
                if (!open) {
                    return length - from; // closed: drop the rest
                }
            }
            return p - from;
        }

        private void frame(boolean fin, int opcode, byte[] data, int start, int size, long now) throws IOException {
            switch (opcode) {
                case 0x1 -> {
                    if (fin) {
                        message(loop.view.of(data, start, size), now);
                    } else {
                        fragments = Arrays.copyOfRange(data, start, start + Math.max(size, 1024));
                        fragmentsLength = size;
                    }
                }
                case 0x0 -> {
                    if (fragments == null) {
                        throw new IOException("continuation without a first fragment");
                    }
                    if (fragments.length < fragmentsLength + size) {
                        fragments = Arrays.copyOf(fragments, Math.max(fragmentsLength + size, fragments.length * 2));
                    }
                    System.arraycopy(data, start, fragments, fragmentsLength, size);
                    fragmentsLength += size;
                    if (fin) {
                        message(loop.view.of(fragments, 0, fragmentsLength), now);
                        fragments = null;
                        fragmentsLength = 0;
                    }
                }
                case 0x8 -> {
                    int code = size >= 2 ? ((data[start] & 0xFF) << 8) | (data[start + 1] & 0xFF) : 1005;
                    String reason = size > 2 ? new String(data, start + 2, size - 2, StandardCharsets.UTF_8) : "";
                    writeFrame(0x8, Arrays.copyOfRange(data, start, start + Math.min(size, 2)));
                    open = false;
                    closed(code, reason);
                    closeQuietly();
                }
                case 0x9 -> writeFrame(0xA, Arrays.copyOfRange(data, start, start + size));
                case 0xA -> {
                    // unsolicited pong: ignore
                }
                default -> stats.problem("unexpected opcode " + opcode);
            }
        }

        @Override
        void send(String text) {
            try {
                writeFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                stats.problem("send failed: " + e);
            }
        }

        /** A masked client frame; on the loop thread. */
        private void writeFrame(int opcode, byte[] payload) throws IOException {
            int length = payload.length;
            int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
            ByteBuffer frame = ByteBuffer.allocate(header + 4 + length);
            frame.put((byte) (0x80 | opcode));
            if (length < 126) {
                frame.put((byte) (0x80 | length));
            } else if (length < 65536) {
                frame.put((byte) (0x80 | 126)).putShort((short) length);
            } else {
                frame.put((byte) (0x80 | 127)).putLong(length);
            }
            int mask = ThreadLocalRandom.current().nextInt();
            frame.putInt(mask);
            for (int i = 0; i < length; i++) {
                frame.put((byte) (payload[i] ^ (mask >>> (24 - 8 * (i & 3)))));
            }
            frame.flip();
            write(frame);
        }

        private void write(ByteBuffer buffer) throws IOException {
            if (outbound.isEmpty()) {
                socket.write(buffer);
                if (!buffer.hasRemaining()) {
                    return;
                }
            }
            outbound.add(buffer);
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        }

        private void flush() throws IOException {
            while (!outbound.isEmpty()) {
                ByteBuffer head = outbound.peek();
                socket.write(head);
                if (head.hasRemaining()) {
                    return;
                }
                outbound.poll();
            }
            key.interestOps(SelectionKey.OP_READ);
        }

        @Override
        void abort() {
            closeQuietly();
        }

        private void closeQuietly() {
            open = false;
            SocketChannel s = socket;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }

    private static String accept(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((secret + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Bytes seen as chars without decoding: each byte is one char (ISO-8859-1). The scanner only looks
     * for ASCII, and UTF-8's multi-byte sequences never contain ASCII bytes, so this is exact for
     * scanning; {@link #toString()} decodes UTF-8 properly. Reused per message, never kept.
     */
    static final class AsciiView implements CharSequence {
        private byte[] bytes;
        private int offset;
        private int length;

        AsciiView of(byte[] bytes, int offset, int length) {
            this.bytes = bytes;
            this.offset = offset;
            this.length = length;
            return this;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            return (char) (bytes[offset + index] & 0xFF);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(bytes, offset + start, end - start, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return new String(bytes, offset, length, StandardCharsets.UTF_8);
        }
    }
}
