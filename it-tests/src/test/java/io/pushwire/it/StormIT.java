package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pushwire.client.PushClient;
import io.pushwire.client.PushListener;
import io.pushwire.protocol.Welcome;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A reconnect storm: 2,000 SDK clients (behind a proxy that gives them 100 source addresses, 20 per
 * address) lose the server at once. With the SDK's jittered backoff and the server's handshake limit
 * (the default 20 per second per address) they must all be back, resumed, within 60 s.
 */
class StormIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 2_000;
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start("storm", Map.of("pushwire.feeds.simulated.rate", "20"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** The state and figures of (at most ten of) the clients that did not resume, for a failure message. */
    private static List<String> notResumed(List<PushClient> clients, long[] backAfterMs) {
        List<String> stuck = new ArrayList<>();
        for (int i = 0; i < backAfterMs.length && stuck.size() < 10; i++) {
            if (backAfterMs[i] < 0) {
                stuck.add("#" + i + " " + clients.get(i).state() + " " + clients.get(i).stats());
            }
        }
        return stuck;
    }

    @Test
    void twoThousandClientsCutAtOnceAllResumeWithinAMinute() throws Exception {
        List<PushClient> clients = new ArrayList<>();
        try (ChaosProxy proxy = new ChaosProxy(server.port(), 100)) {
            URI viaProxy = URI.create("ws://127.0.0.1:" + proxy.port() + "/ws");
            List<CompletableFuture<Void>> connected = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int index = i;
                PushClient client = PushClient.builder(viaProxy).listener(new PushListener() {
                    @Override
                    public void onConnected(Welcome welcome) {
                        long cut = cutAt.get();
                        if (cut > 0 && welcome.resumed()) {
                            resumedAt.compareAndSet(index, 0, System.nanoTime());
                        }
                    }
                }).build();
                clients.add(client);
                client.subscribe("sim.ticker.BTC-USDT", event -> { });
                connected.add(client.connect());
                if (i % 20 == 19) {
                    Thread.sleep(50); // 400 handshakes/s: the initial connect is not the storm under test
                }
            }
            CompletableFuture.allOf(connected.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            JsonNode before = readyData();
            assertEquals(CLIENTS, before.path("sessionsAttached").asLong(), before.toString());

            cutAt.set(System.nanoTime());
            proxy.cutAll();
            long deadline = cutAt.get() + TimeUnit.SECONDS.toNanos(60);
            while (resumed() < CLIENTS && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long[] backAfterMs = new long[CLIENTS];
            for (int i = 0; i < CLIENTS; i++) {
                long at = resumedAt.get(i);
                backAfterMs[i] = at == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(at - cutAt.get());
            }

            JsonNode after = readyData();
            long[] sorted = Arrays.stream(backAfterMs).filter(ms -> ms >= 0).sorted().toArray();
            String distribution = sorted.length == 0 ? "none" : "p50 " + sorted[sorted.length / 2] + " ms, p90 "
                    + sorted[sorted.length * 9 / 10] + " ms, p99 " + sorted[sorted.length * 99 / 100] + " ms, max "
                    + sorted[sorted.length - 1] + " ms";
            long rejected = after.path("handshakesRejected").asLong() - before.path("handshakesRejected").asLong();
            System.out.println("StormIT: " + sorted.length + " of " + CLIENTS + " resumed; reconnect times "
                    + distribution + "; handshakes refused with 429: " + rejected + "; proxy accepted "
                    + proxy.accepted());
            assertEquals(CLIENTS, sorted.length, "resumed within 60 s: " + sorted.length + "; " + distribution
                    + "; not resumed: " + notResumed(clients, backAfterMs));
            assertEquals(CLIENTS, after.path("sessionsAttached").asLong());
            assertEquals(0, after.path("resumesFailed").asLong() - before.path("resumesFailed").asLong(),
                    "every client resumed its own session");
        } finally {
            clients.forEach(PushClient::close);
        }
    }

    private final AtomicLong cutAt = new AtomicLong();
    /** When each client's resumed welcome arrived after the cut (System.nanoTime), 0 until then. */
    private final AtomicLongArray resumedAt = new AtomicLongArray(CLIENTS);

    private int resumed() {
        int count = 0;
        for (int i = 0; i < CLIENTS; i++) {
            if (resumedAt.get(i) != 0) {
                count++;
            }
        }
        return count;
    }

    private static JsonNode readyData() throws Exception {
        return JSON.readTree(server.get("/health/ready").body()).path("checks").path(0).path("data");
    }
}
