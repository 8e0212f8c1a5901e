package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.client.PushClient;
import io.pushwire.client.PushListener;
import io.pushwire.protocol.Gap;
import io.pushwire.server.broker.redis.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Three packaged nodes on one Redis ({@code pushwire.broker=redis}): any node publishes, every node
 * delivers. SDK clients spread over the nodes see every event of every channel exactly once and in order,
 * whichever node each event was published on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {
    private static final int NODES = 3;
    private static final int CLIENTS = 30;
    private static final List<String> CHANNELS = List.of("cluster.a", "cluster.b", "cluster.c", "cluster.d");
    private static final int EVENTS_PER_CHANNEL = 5_000;

    private RedisServer redis;
    private final List<ServerProcess> nodes = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        redis = RedisServer.start();
        for (int i = 0; i < NODES; i++) {
            nodes.add(ServerProcess.start("cluster-node" + i, Map.of(
                    "pushwire.broker", "redis",
                    "pushwire.redis.uri", redis.uri(),
                    "pushwire.feeds.simulated.enabled", "false",
                    "pushwire.history.size", "10000")));
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (ServerProcess node : nodes) {
            node.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void eventsPublishedOnRandomNodesReachEveryClientOnEveryNodeOnceAndInOrder() throws Exception {
        List<PushClient> clients = new ArrayList<>();
        List<Map<String, List<Long>>> received = new ArrayList<>();
        List<Gap> gaps = new CopyOnWriteArrayList<>();
        try {
            for (int c = 0; c < CLIENTS; c++) {
                Map<String, List<Long>> numbers = new ConcurrentHashMap<>();
                received.add(numbers);
                PushClient client = PushClient.builder(nodes.get(c % NODES).webSocketUri())
                        .listener(new PushListener() {
                            @Override
                            public void onGap(Gap gap) {
                                gaps.add(gap);
                            }
                        }).build();
                clients.add(client);
                client.connect().get(10, TimeUnit.SECONDS);
                for (String channel : CHANNELS) {
                    List<Long> list = new CopyOnWriteArrayList<>();
                    numbers.put(channel, list);
                    client.subscribe(channel, event -> list.add(event.data().path("n").asLong()))
                            .get(10, TimeUnit.SECONDS);
                }
            }

            long started = System.nanoTime();
            publishNumberedEventsOnRandomNodes();
            long publishedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && !allReceived(received)) {
                Thread.sleep(100);
            }
            System.out.println("ClusterIT: " + CHANNELS.size() * EVENTS_PER_CHANNEL + " events published over "
                    + NODES + " nodes in " + publishedMs + " ms, all delivered to " + CLIENTS + " clients after "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
            List<Long> expected = java.util.stream.LongStream.rangeClosed(1, EVENTS_PER_CHANNEL).boxed().toList();
            for (int c = 0; c < CLIENTS; c++) {
                for (String channel : CHANNELS) {
                    List<Long> got = received.get(c).get(channel);
                    assertEquals(expected.size(), got.size(), "client " + c + " (node " + c % NODES + ") on " + channel);
                    assertEquals(expected, got, "client " + c + " on " + channel + ": every number once, in order");
                }
            }
            assertTrue(gaps.isEmpty(), "no gaps: " + gaps);
        } finally {
            clients.forEach(PushClient::close);
        }
    }

    /** One publisher per channel, each event to a random node, in order within the channel. */
    private void publishNumberedEventsOnRandomNodes() throws Exception {
        ExecutorService publishers = Executors.newFixedThreadPool(CHANNELS.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (String channel : CHANNELS) {
                running.add(publishers.submit(() -> {
                    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
                        for (int n = 1; n <= EVENTS_PER_CHANNEL; n++) {
                            ServerProcess node = nodes.get(ThreadLocalRandom.current().nextInt(NODES));
                            URI uri = node.httpUri("/api/channels/" + channel + "/events");
                            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(5))
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + n + "}")).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            assertEquals(200, response.statusCode(), response.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> publisher : running) {
                publisher.get(120, TimeUnit.SECONDS);
            }
        } finally {
            publishers.shutdownNow();
        }
    }

    private static boolean allReceived(List<Map<String, List<Long>>> received) {
        return received.stream().allMatch(channels -> channels.values().stream()
                .allMatch(numbers -> numbers.size() >= EVENTS_PER_CHANNEL));
    }
}
