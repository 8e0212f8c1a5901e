package io.pushwire.it.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * Publishes to {@code POST /api/channels/{channel}/events} at a paced rate: publish i is due at
 * start + i / rate, taken by one of a few virtual threads with JDK {@link HttpClient} (HTTP/1.1,
 * keep-alive). A thread that is late sends at once (no catching up in bursts beyond that, no skipping),
 * so the achieved rate is what the server accepted. Each body is {@code {"t":epochMicros,"pad":"x.."}}
 * padded to the payload size, with {@code t} read just before the request is sent.
 */
final class Publisher {
    private final HttpClient http;
    private final URI uri;
    private final String token;
    private final int payloadBytes;
    private final String pad;

    final LongAdder ok = new LongAdder();
    final LongAdder okInWindow = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAccumulator lastSeq = new LongAccumulator(Math::max, -1);
    final LongAccumulator lastSubscribers = new LongAccumulator(Math::max, -1);
    final Recorder requestLatency = new Recorder(60_000_000L, 3);
    final ConcurrentHashMap<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    private final AtomicLong firstErrors = new AtomicLong();

    Publisher(URI baseUri, String channel, String token, int payloadBytes) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.uri = baseUri.resolve("/api/channels/" + channel + "/events");
        this.token = token;
        this.payloadBytes = payloadBytes;
        int padLength = Math.max(1, payloadBytes - "{\"t\":1700000000000000,\"pad\":\"\"}".length());
        this.pad = "x".repeat(padLength);
    }

    int payloadBytes() {
        return body(SubscriberPool.nowMicros()).length();
    }

    private String body(long micros) {
        return "{\"t\":" + micros + ",\"pad\":\"" + pad + "\"}";
    }

    /** One publish, now; returns the seq or -1. Used for a check before the run. */
    long publishOnce() throws Exception {
        HttpResponse<String> response = send(SubscriberPool.nowMicros());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("publish answered " + response.statusCode() + ": " + response.body());
        }
        return seqOf(response.body());
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
            workers.add(Thread.ofVirtual().name("publisher-" + w).start(() -> {
                while (true) {
                    long i = slot.getAndIncrement();
                    long due = startNanos + (long) (i * periodNanos);
                    if (due >= endNanos) {
                        return;
                    }
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    long t = SubscriberPool.nowMicros();
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<String> response = send(t);
                        requestLatency.recordValue(Math.min((System.nanoTime() - sent) / 1_000, 60_000_000L));
                        statuses.computeIfAbsent(response.statusCode(), c -> new LongAdder()).increment();
                        if (response.statusCode() == 200) {
                            ok.increment();
                            if (t >= windowStartMicros && t < windowEndMicros) {
                                okInWindow.increment();
                            }
                            lastSeq.accumulate(seqOf(response.body()));
                            lastSubscribers.accumulate(FrameScanner.number(response.body(),
                                    "\"subscribers\":".toCharArray(), 0, response.body().length()));
                        } else {
                            failed.increment();
                            error("publish answered " + response.statusCode() + ": " + response.body());
                        }
                    } catch (Exception e) {
                        failed.increment();
                        error("publish failed: " + e);
                    }
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
    }

    private HttpResponse<String> send(long micros) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(micros)));
        if (token != null && !token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long seqOf(String body) {
        return FrameScanner.number(body, "\"seq\":".toCharArray(), 0, body.length());
    }

    private void error(String message) {
        if (firstErrors.getAndIncrement() < 10) {
            System.err.println("bench: " + message);
        }
    }

    void close() {
        http.close();
    }
}
