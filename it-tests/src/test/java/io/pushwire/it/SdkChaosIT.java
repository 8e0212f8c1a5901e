package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.client.ClientStats;
import io.pushwire.client.PushClient;
import io.pushwire.client.PushListener;
import io.pushwire.protocol.Gap;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SDK's promise under fire: 20 clients behind a {@link ChaosProxy} that adds latency, and resets and
 * blackholes their connections 50 times, while a numbered stream of 20,000 events is published on 4 channels. Every
 * application handler must see exactly 1..N per channel: nothing lost, duplicated or reordered.
 */
class SdkChaosIT {
    private static final int CLIENTS = 20;
    private static final int CHANNELS = 4;
    private static final int PER_CHANNEL = 5_000;
    private static final int FAULTS = 50;
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start("sdk-chaos", Map.of(
                "pushwire.feeds.simulated.enabled", "false",
                "pushwire.history.size", Integer.toString(PER_CHANNEL),
                "pushwire.heartbeat.interval-ms", "1000",
                "pushwire.heartbeat.timeout-ms", "1000",
                "pushwire.close.timeout-ms", "1000",
                "pushwire.limits.handshakes-per-second", "100000"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** What one client's application saw. */
    private static final class Seen {
        final Map<String, List<Integer>> numbers = new ConcurrentHashMap<>();
        final List<Gap> gaps = new CopyOnWriteArrayList<>();

        int count(String channel) {
            return numbers.getOrDefault(channel, List.of()).size();
        }
    }

    @Test
    void everyClientSeesEveryEventOnceAndInOrderThroughResetsAndStalls() throws Exception {
        List<String> channels = IntStream.range(0, CHANNELS).mapToObj(i -> "chaos.c" + i).toList();
        List<PushClient> clients = new ArrayList<>();
        List<Seen> seen = new ArrayList<>();
        try (ChaosProxy proxy = new ChaosProxy(server.port())) {
            URI viaProxy = URI.create("ws://127.0.0.1:" + proxy.port() + "/ws");
            for (int i = 0; i < CLIENTS; i++) {
                Seen record = new Seen();
                seen.add(record);
                PushClient client = PushClient.builder(viaProxy)
                        .reconnectInitialDelay(Duration.ofMillis(100))
                        .reconnectMaxDelay(Duration.ofSeconds(1))
                        .listener(new PushListener() {
                            @Override
                            public void onGap(Gap gap) {
                                record.gaps.add(gap);
                            }
                        })
                        .build();
                clients.add(client);
                for (String channel : channels) {
                    client.subscribe(channel, event -> record.numbers
                            .computeIfAbsent(event.channel(), c -> new CopyOnWriteArrayList<>())
                            .add(event.data().path("n").asInt()));
                }
                client.connect().get(10, TimeUnit.SECONDS);
            }

            List<Thread> publishers = new ArrayList<>();
            for (String channel : channels) {
                publishers.add(Thread.ofVirtual().name("publish-" + channel).start(() -> publishNumbered(channel)));
            }
            Random random = new Random(42);
            proxy.latency(1); // every chunk, both ways: stretched round trips on top of the faults
            int faults = 0;
            while (faults < FAULTS && publishers.stream().anyMatch(Thread::isAlive)) {
                Thread.sleep(150 + random.nextInt(200));
                boolean done = random.nextInt(10) < 7 ? proxy.cutOne(random) : proxy.blackholeOne(random);
                if (done) {
                    faults++;
                }
            }
            for (Thread publisher : publishers) {
                publisher.join(120_000);
            }

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!allDelivered(seen, channels) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }

            long reconnects = clients.stream().map(PushClient::stats).mapToLong(ClientStats::reconnects).sum();
            System.out.println("SdkChaosIT: " + faults + " faults, " + reconnects + " reconnects, proxy accepted "
                    + proxy.accepted() + " connections");
            assertTrue(faults >= FAULTS * 4 / 5, "only " + faults + " faults were injected");
            List<Integer> expected = IntStream.rangeClosed(1, PER_CHANNEL).boxed().toList();
            for (int i = 0; i < CLIENTS; i++) {
                for (String channel : channels) {
                    List<Integer> numbers = seen.get(i).numbers.getOrDefault(channel, List.of());
                    assertEquals(expected, List.copyOf(numbers), "client " + i + " on " + channel + ": "
                            + numbers.size() + " events, gaps " + seen.get(i).gaps);
                }
                assertEquals(List.of(), seen.get(i).gaps, "history held everything: no gap for client " + i);
            }
            assertTrue(reconnects >= faults / 2, "faults must have caused reconnects: " + reconnects);
        } finally {
            clients.forEach(PushClient::close);
        }
    }

    private static boolean allDelivered(List<Seen> seen, List<String> channels) {
        return seen.stream().allMatch(s -> channels.stream().allMatch(c -> s.count(c) >= PER_CHANNEL));
    }

    /** Publishes 1..PER_CHANNEL on one channel, in order, over one keep-alive HTTP connection. */
    private static void publishNumbered(String channel) {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            URI uri = server.httpUri("/api/channels/" + channel + "/events");
            for (int n = 1; n <= PER_CHANNEL; n++) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + n + "}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("publish " + n + " on " + channel + ": " + response.body());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
