package io.pushwire.it.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * Publishes to {@code POST /api/channels/{channel}/events} at a paced rate: publish i is due at
 * start + i / rate and is taken by one of a few threads, each with its own keep-alive HTTP/1.1
 * connection. A thread that is late sends at once, but a publish more than {@link #MAX_LATE_NANOS}
 * behind its schedule is skipped (and counted) rather than sent in a catch-up burst, so the rate in the
 * window never exceeds the target and the achieved rate shows what the server accepted. Each body is {@code {"t":epochMicros,"pad":"x.."}} padded to the payload size,
 * with {@code t} read just before the request is written.
 *
 * <p>Two HTTP clients: {@code raw} (default), a minimal blocking HTTP/1.1 client on a socket per
 * thread, and {@code jdk}, {@link HttpClient}. The JDK client cost the coordinator about a quarter of a
 * core at 200-300 requests/s on this machine, CPU that the server under test then lacks.
 */
final class Publisher {
    /** One thread's way to POST a body; returns the status and the response body. */
    private interface Poster extends AutoCloseable {
        Response post(String body) throws IOException, InterruptedException;

        /** False once the server closed the connection: take a new poster. */
        default boolean reusable() {
            return true;
        }

        @Override
        void close();
    }

    private record Response(int status, String body) {
    }

    /** A publish this late is skipped instead of sent in a burst. */
    static final long MAX_LATE_NANOS = 100_000_000L;

    private final URI uri;
    private final String token;
    private final String kind;
    private final String pad;
    private final HttpClient jdk;

    final LongAdder ok = new LongAdder();
    final LongAdder okInWindow = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder skipped = new LongAdder();
    /** The publisher's t (epoch micros) of each seq it published, 0 where unknown. */
    final long[] publishedAt;
    final LongAccumulator lastSeq = new LongAccumulator(Math::max, -1);
    final LongAccumulator lastSubscribers = new LongAccumulator(Math::max, -1);
    final Recorder requestLatency = new Recorder(60_000_000L, 3);
    final ConcurrentHashMap<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    private final AtomicLong errors = new AtomicLong();

    Publisher(URI baseUri, String channel, String token, int payloadBytes, String kind, int maxSeq) {
        this.publishedAt = new long[maxSeq + 1];
        this.uri = baseUri.resolve("/api/channels/" + channel + "/events");
        this.token = token;
        this.kind = kind;
        int padLength = Math.max(1, payloadBytes - "{\"t\":1700000000000000,\"pad\":\"\"}".length());
        this.pad = "x".repeat(padLength);
        this.jdk = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        if (!kind.equals("raw") && !kind.equals("jdk")) {
            throw new IllegalArgumentException("bench.publisher must be raw or jdk: " + kind);
        }
    }

    String kind() {
        return kind;
    }

    int payloadBytes() {
        return body(SubscriberStats.nowMicros()).length();
    }

    private String body(long micros) {
        return "{\"t\":" + micros + ",\"pad\":\"" + pad + "\"}";
    }

    private Poster poster() throws IOException {
        return kind.equals("raw") ? new RawPoster() : new JdkPoster();
    }

    /** One publish, now; returns the seq. Fails when the API does not answer 200. */
    long publishOnce() throws Exception {
        try (Poster poster = poster()) {
            Response response = poster.post(body(SubscriberStats.nowMicros()));
            if (response.status() != 200) {
                throw new IllegalStateException("publish answered " + response.status() + ": " + response.body());
            }
            return number(response.body(), "\"seq\":");
        }
    }

    /**
     * Publishes at {@code rate} per second from {@code startNanos} (System.nanoTime) until
     * {@code endNanos}, counting in {@code okInWindow} the publishes whose t is in the window.
     */
    void run(double rate, int threads, long startNanos, long endNanos, long windowStartMicros, long windowEndMicros)
            throws InterruptedException {
        AtomicLong slot = new AtomicLong();
        double periodNanos = 1e9 / rate;
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            workers.add(Thread.ofPlatform().daemon().name("publisher-" + w).start(() -> {
                Poster poster = null;
                try {
                    while (true) {
                        long i = slot.getAndIncrement();
                        long due = startNanos + (long) (i * periodNanos);
                        if (due >= endNanos) {
                            return;
                        }
                        if (System.nanoTime() - due > MAX_LATE_NANOS) {
                            skipped.increment();
                            continue;
                        }
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        long t = SubscriberStats.nowMicros();
                        long sent = System.nanoTime();
                        try {
                            if (poster == null) {
                                poster = poster();
                            }
                            Response response = poster.post(body(t));
                            if (!poster.reusable()) {
                                poster.close();
                                poster = null;
                            }
                            requestLatency.recordValue(Math.min((System.nanoTime() - sent) / 1_000, 60_000_000L));
                            statuses.computeIfAbsent(response.status(), c -> new LongAdder()).increment();
                            if (response.status() == 200) {
                                ok.increment();
                                if (t >= windowStartMicros && t < windowEndMicros) {
                                    okInWindow.increment();
                                }
                                long seq = number(response.body(), "\"seq\":");
                                lastSeq.accumulate(seq);
                                if (seq >= 0 && seq < publishedAt.length) {
                                    publishedAt[(int) seq] = t;
                                }
                                lastSubscribers.accumulate(number(response.body(), "\"subscribers\":"));
                            } else {
                                failed.increment();
                                error("publish answered " + response.status() + ": " + response.body());
                            }
                        } catch (IOException e) {
                            failed.increment();
                            error("publish failed: " + e);
                            if (poster != null) {
                                poster.close();
                                poster = null;
                            }
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                } finally {
                    if (poster != null) {
                        poster.close();
                    }
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
    }

    private static long number(String body, String key) {
        return FrameScanner.number(body, key.toCharArray(), 0, body.length());
    }

    private void error(String message) {
        if (errors.getAndIncrement() < 10) {
            System.err.println("bench: " + message);
        }
    }

    void close() {
        jdk.close();
    }

    /** JDK {@link HttpClient}, shared by all threads. */
    private final class JdkPoster implements Poster {
        @Override
        public Response post(String body) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (token != null && !token.isEmpty()) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = jdk.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        }

        @Override
        public void close() {
            // the shared client is closed with the publisher
        }
    }

    /**
     * A minimal HTTP/1.1 client on one keep-alive socket: writes the request in one go, reads the
     * status line, the headers and a Content-Length or chunked body.
     */
    private final class RawPoster implements Poster {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final String head;
        private boolean reusable = true;

        RawPoster() throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 8192);
            head = "POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nContent-Type: application/json\r\n"
                    + (token == null || token.isEmpty() ? "" : "Authorization: Bearer " + token + "\r\n")
                    + "Content-Length: ";
        }

        @Override
        public Response post(String body) throws IOException {
            byte[] payload = body.getBytes(StandardCharsets.UTF_8);
            byte[] request = (head + payload.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[request.length + payload.length];
            System.arraycopy(request, 0, all, 0, request.length);
            System.arraycopy(payload, 0, all, request.length, payload.length);
            out.write(all);
            out.flush();

            String status = line();
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                throw new IOException("bad status line: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            String header;
            while (!(header = line()).isEmpty()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(header.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            if (chunked) {
                long size;
                while ((size = Long.parseLong(line().split(";")[0].trim(), 16)) > 0) {
                    content.write(in.readNBytes((int) size));
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length >= 0) {
                content.write(in.readNBytes((int) length));
            } else {
                throw new IOException("response without a length");
            }
            reusable = !close;
            return new Response(code, content.toString(StandardCharsets.UTF_8));
        }

        @Override
        public boolean reusable() {
            return reusable;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    int n = line.length();
                    return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
                }
                line.append((char) c);
            }
            throw new IOException("connection closed by the server");
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
