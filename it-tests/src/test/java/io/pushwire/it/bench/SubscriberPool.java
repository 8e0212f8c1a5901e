package io.pushwire.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.nio.ByteBuffer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Many subscribers of one channel on JDK {@link java.net.http.WebSocket}s: one {@link HttpClient} per
 * source address, {@code request(1)} flow control, pong replies to the server's pings.
 *
 * <p>Per event it records: the end-to-end latency (receive time minus the publisher's {@code t}) into
 * a histogram when {@code t} lies in the measurement window; per connection the seq continuity (jumps,
 * duplicates) and the count; and per seq, over the connections of this process, how many received it
 * and the largest latency, so that the coordinator can tell when a publish reached its last subscriber.
 */
final class SubscriberPool {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every this-many messages of a connection is parsed again with Jackson and compared with the scanner. */
    private static final int VERIFY_EVERY = 251;

    private final URI uri;
    private final String channel;
    private final int maxSeq;
    private final ExecutorService executor;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
    private final List<Connection> connections = new ArrayList<>();

    private final Recorder latency = new Recorder(3_600_000_000L, 3);
    private final AtomicIntegerArray seqReceivers;
    private final AtomicLongArray seqMaxLatency;
    private final LongAdder windowDelivered = new LongAdder();
    private final LongAdder receivedInWindow = new LongAdder();
    private final LongAdder messages = new LongAdder();
    private final LongAdder frames = new LongAdder();
    private final LongAdder gapFrames = new LongAdder();
    private final LongAdder errorFrames = new LongAdder();
    private final LongAdder pings = new LongAdder();
    private final LongAdder verified = new LongAdder();
    private final LongAdder verifyFailures = new LongAdder();
    private final LongAdder connectRetries = new LongAdder();
    private final Map<Integer, LongAdder> closeCodes = new ConcurrentHashMap<>();
    private final AtomicLong firstProblem = new AtomicLong();

    private volatile long windowStartMicros = Long.MAX_VALUE;
    private volatile long windowEndMicros = Long.MAX_VALUE;

    SubscriberPool(URI uri, String channel, int maxSeq, int threads) {
        this.uri = uri;
        this.channel = channel;
        this.maxSeq = maxSeq;
        this.seqReceivers = new AtomicIntegerArray(maxSeq + 1);
        this.seqMaxLatency = new AtomicLongArray(maxSeq + 1);
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "subscriber-io");
            thread.setDaemon(true);
            return thread;
        });
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    void window(long startMicros, long endMicros) {
        windowStartMicros = startMicros;
        windowEndMicros = endMicros;
    }

    /**
     * Opens and subscribes {@code count} connections, the i-th from {@code addresses.get(i)}, at most
     * {@code concurrency} handshakes at a time; returns how many failed for good.
     */
    int connectAll(List<String> addresses, int concurrency, Duration timeout) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        List<CompletableFuture<Boolean>> results = new ArrayList<>();
        for (String address : addresses) {
            inFlight.acquire();
            Connection connection = new Connection(connections.size());
            connections.add(connection);
            CompletableFuture<Boolean> done = connection.open(client(address), 3);
            done.whenComplete((ok, error) -> inFlight.release());
            results.add(done);
        }
        int failed = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (CompletableFuture<Boolean> result : results) {
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                if (!result.get(left, TimeUnit.NANOSECONDS)) {
                    failed++;
                }
            } catch (Exception e) {
                failed++;
            }
        }
        return failed;
    }

    private HttpClient client(String address) {
        return clients.computeIfAbsent(address, a -> {
            try {
                return HttpClient.newBuilder()
                        .localAddress(InetAddress.getByName(a))
                        .executor(executor)
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException(a, e);
            }
        });
    }

    /** One line {@code key=value ...} with every count and the encoded histograms. */
    String report(long lastPublishedSeq) {
        long received = 0;
        long expected = 0;
        long jumps = 0;
        long duplicates = 0;
        long missing = 0;
        long open = 0;
        for (Connection c : connections) {
            received += c.received;
            jumps += c.jumpedOver;
            duplicates += c.duplicates;
            if (c.startSeq >= 0 && lastPublishedSeq >= 0) {
                long should = lastPublishedSeq - c.startSeq;
                expected += should;
                missing += Math.max(0, should - (c.received - c.duplicates));
            }
            if (c.subscribed && !c.closed) {
                open++;
            }
        }
        Histogram histogram = latency.getIntervalHistogram();
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        String encoded = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
        StringBuilder perSeq = new StringBuilder();
        for (int seq = 0; seq <= maxSeq; seq++) {
            int count = seqReceivers.get(seq);
            if (count > 0) {
                if (!perSeq.isEmpty()) {
                    perSeq.append(',');
                }
                perSeq.append(seq).append(':').append(count).append(':').append(seqMaxLatency.get(seq));
            }
        }
        StringBuilder codes = new StringBuilder();
        new TreeMap<>(closeCodes).forEach((code, n) -> codes.append(codes.isEmpty() ? "" : ",")
                .append(code).append(':').append(n.sum()));
        return "connections=" + connections.size() + " open=" + open + " received=" + received
                + " expected=" + expected + " missing=" + missing + " jumps=" + jumps + " duplicates=" + duplicates
                + " windowDelivered=" + windowDelivered.sum() + " receivedInWindow=" + receivedInWindow.sum()
                + " messages=" + messages.sum() + " frames=" + frames.sum() + " gapFrames=" + gapFrames.sum()
                + " errorFrames=" + errorFrames.sum() + " pings=" + pings.sum() + " connectRetries="
                + connectRetries.sum() + " verified=" + verified.sum() + " verifyFailures=" + verifyFailures.sum()
                + " closeCodes=" + (codes.isEmpty() ? "-" : codes) + " hist=" + encoded
                + " perSeq=" + (perSeq.isEmpty() ? "-" : perSeq);
    }

    void closeAll() {
        for (Connection c : connections) {
            WebSocket socket = c.socket;
            if (socket != null) {
                socket.abort();
            }
        }
        executor.shutdownNow();
    }

    private void problem(String what) {
        if (firstProblem.getAndIncrement() < 20) {
            System.err.println("subscriber: " + what);
        }
    }

    /** One subscriber connection; the JDK calls its listener methods one at a time. */
    private final class Connection implements WebSocket.Listener, FrameScanner.Sink {
        private final int index;
        private final CompletableFuture<Boolean> ready = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket socket;
        private CompletableFuture<WebSocket> sending = CompletableFuture.completedFuture(null);
        private volatile boolean subscribed;
        private volatile boolean closed;
        volatile long startSeq = -1;
        private long lastSeq = -1;
        volatile long received;
        volatile long jumpedOver;
        volatile long duplicates;
        private long messageReceiveMicros;
        private int messageCount;

        Connection(int index) {
            this.index = index;
        }

        CompletableFuture<Boolean> open(HttpClient client, int attempts) {
            client.newWebSocketBuilder()
                    .subprotocols("pushwire.v1")
                    .connectTimeout(Duration.ofSeconds(15))
                    .buildAsync(uri, this)
                    .whenComplete((ws, error) -> {
                        if (error != null) {
                            if (attempts > 1) {
                                connectRetries.increment();
                                CompletableFuture.delayedExecutor(200 + (index % 50) * 20L, TimeUnit.MILLISECONDS)
                                        .execute(() -> open(client, attempts - 1));
                            } else {
                                problem("connect failed: " + error);
                                ready.complete(false);
                            }
                        }
                    });
            return ready;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            this.socket = webSocket;
            send("{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (!last) {
                partial.append(data);
            } else if (!partial.isEmpty()) {
                partial.append(data);
                message(partial);
                partial.setLength(0);
            } else {
                message(data);
            }
            webSocket.request(1);
            return null;
        }

        private void message(CharSequence text) {
            messageReceiveMicros = nowMicros();
            messageCount++;
            messages.increment();
            int before = (int) received;
            frames.add(FrameScanner.scan(text, this));
            if ((messageCount + index) % VERIFY_EVERY == 0) { // spread over connections
                verify(text, (int) received - before);
            }
        }

        /** Parses the message with Jackson and checks the scanner saw the same number of events. */
        private void verify(CharSequence text, int eventsScanned) {
            try {
                JsonNode node = JSON.readTree(text.toString());
                int events = 0;
                for (JsonNode frame : node.isArray() ? node : List.of(node)) {
                    if ("event".equals(frame.path("type").asText())) {
                        events++;
                        if (!frame.path("data").has("t")) {
                            throw new IllegalStateException("event without data.t: " + frame);
                        }
                    }
                }
                if (events != eventsScanned) {
                    throw new IllegalStateException("scanner saw " + eventsScanned + " events, Jackson " + events);
                }
                verified.increment();
            } catch (Exception e) {
                verifyFailures.increment();
                problem("verification failed: " + e.getMessage());
            }
        }

        @Override
        public void frame(FrameScanner.Kind kind, long seq, long t, CharSequence text, int start, int end) {
            switch (kind) {
                case EVENT -> event(seq, t);
                case PING -> {
                    pings.increment();
                    send(t >= 0 ? "{\"type\":\"pong\",\"ts\":" + t + "}" : "{\"type\":\"pong\"}");
                }
                case WELCOME -> send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"" + channel + "\"}");
                case SUBSCRIBED -> {
                    startSeq = seq;
                    lastSeq = seq;
                    subscribed = true;
                    ready.complete(true);
                }
                case GAP -> {
                    gapFrames.increment();
                    problem("gap: " + text.subSequence(start, end));
                }
                case ERROR -> {
                    errorFrames.increment();
                    problem("error: " + text.subSequence(start, end));
                }
                case OTHER -> problem("unexpected frame: " + text.subSequence(start, end));
            }
        }

        private void event(long seq, long t) {
            received++;
            if (lastSeq >= 0) {
                if (seq <= lastSeq) {
                    duplicates++;
                } else if (seq > lastSeq + 1) {
                    jumpedOver += seq - lastSeq - 1;
                }
            }
            lastSeq = Math.max(lastSeq, seq);
            long now = messageReceiveMicros;
            if (now >= windowStartMicros && now < windowEndMicros) {
                receivedInWindow.increment();
            }
            if (t >= windowStartMicros && t < windowEndMicros) {
                long micros = Math.max(0, now - t);
                windowDelivered.increment();
                latency.recordValue(Math.min(micros, 3_600_000_000L));
                if (seq >= 0 && seq <= maxSeq) {
                    seqReceivers.incrementAndGet((int) seq);
                    int s = (int) seq;
                    long current;
                    while (micros > (current = seqMaxLatency.get(s))
                            && !seqMaxLatency.compareAndSet(s, current, micros)) {
                        Thread.onSpinWait();
                    }
                }
            }
        }

        private synchronized void send(String text) {
            WebSocket ws = socket;
            sending = sending.thenCompose(ignored -> ws.sendText(text, true)).exceptionally(error -> {
                problem("send failed: " + error);
                return ws;
            });
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed(statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed(1006, String.valueOf(error));
        }

        private void closed(int code, String reason) {
            if (!closed) {
                closed = true;
                closeCodes.computeIfAbsent(code, c -> new LongAdder()).increment();
                problem("connection " + index + " closed " + code + " " + reason);
            }
            ready.complete(false);
        }
    }
}
