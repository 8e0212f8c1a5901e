package io.pushwire.it;

import static io.pushwire.it.MarketTape.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pushwire.client.ClientState;
import io.pushwire.client.PushClient;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Status;
import io.pushwire.server.broker.redis.RedisServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one Redis, the second through a proxy that can cut its connections, while Redis misbehaves:
 * paused, killed and restarted empty, or a node's pub/sub link cut while events are published. Clients
 * stay connected, learn of outages from {@code status}, and lose nothing the server accepted.
 */
class RedisFaultsIT {
    private static final String CHANNEL = "app.faults";

    private RedisServer redis;
    private ChaosProxy proxy;
    private ServerProcess nodeA;
    private ServerProcess nodeB;
    private final List<PushClient> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        proxy = new ChaosProxy(redis.port());
        Map<String, String> common = Map.of("pushwire.broker", "redis", "pushwire.feeds.simulated.enabled", "false",
                "pushwire.redis.timeout-ms", "1000");
        nodeA = ServerProcess.start("faults-a", with(common, "pushwire.redis.uri", redis.uri()));
        nodeB = ServerProcess.start("faults-b", with(common, "pushwire.redis.uri", "redis://127.0.0.1:" + proxy.port()));
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> all = new java.util.HashMap<>(base);
        all.put(key, value);
        return all;
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(PushClient::close);
        http.close();
        for (ServerProcess node : new ServerProcess[] {nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void redisPausedForFiveSecondsLosesNothingAndClientsStayConnected() throws Exception {
        RecordedChannel onA = subscribe(nodeA);
        RecordedChannel onB = subscribe(nodeB);
        publishUntilAccepted(1, 20);

        redis.pause();
        long pausedAt = System.nanoTime();
        try {
            // Redis does not answer: 503, the outcome unknown (the script may run once Redis wakes up).
            HttpResponse<String> refused = publishOnce(21);
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("Idempotency-Key"), refused.body());
            await(() -> readiness(nodeA) == 503, "readiness DOWN while Redis is paused");
            Thread.sleep(Math.max(0, 5_000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pausedAt)));
        } finally {
            redis.resume();
        }
        publishUntilAccepted(21, 40); // 21 again, with its key: published once whether or not the first ran

        for (RecordedChannel seen : List.of(onA, onB)) {
            await(() -> seen.numbers().size() >= 40, "all 40 events");
            assertEquals(LongStream.rangeClosed(1, 40).boxed().toList(), seen.numbers(), "every event once, in order");
            assertEquals(ClientState.CONNECTED, seen.client().state());
            List<Status> statuses = seen.statuses();
            assertTrue(statuses.stream().anyMatch(Status::stale), "told of the outage: " + statuses);
            assertTrue(seen.gaps().isEmpty(), "no gap: " + seen.frames());
        }
    }

    @Test
    void redisRestartedEmptyTakesReadinessDownThenUpAndClientsContinueAfterAnEpochChangedGap() throws Exception {
        RecordedChannel onB = subscribe(nodeB);
        publishUntilAccepted(1, 10);
        await(() -> onB.numbers().size() == 10, "the first events");

        redis.kill();
        await(() -> readiness(nodeA) == 503 && readiness(nodeB) == 503, "readiness DOWN on both nodes");
        assertTrue(nodeA.get("/health/ready").body().contains("redis at 127.0.0.1"), nodeA.get("/health/ready").body());
        redis.restart();
        await(() -> readiness(nodeA) == 200 && readiness(nodeB) == 200, "readiness UP again");
        publishUntilAccepted(11, 20);

        await(() -> onB.numbers().size() >= 20, "the events after the restart");
        assertEquals(LongStream.rangeClosed(1, 20).boxed().toList(), onB.numbers());
        List<Gap> gaps = onB.gaps();
        assertEquals(1, gaps.size(), onB.frames().toString());
        assertEquals(GapReason.EPOCH_CHANGED, gaps.get(0).reason());
        List<Event> events = onB.events();
        assertEquals(1, events.get(10).seq(), "the new epoch starts at 1");
        assertTrue(!events.get(9).epoch().equals(events.get(10).epoch()), "in a new epoch");
        assertEquals(ClientState.CONNECTED, onB.client().state());
    }

    @Test
    void publicationsLostOnANodesPubSubLinkAreRepairedFromTheStream() throws Exception {
        RecordedChannel onB = subscribe(nodeB);
        publishUntilAccepted(1, 10);
        await(() -> onB.numbers().size() == 10, "the first events");

        // Node B's second connection to Redis is its pub/sub link (the first carries commands).
        assertTrue(proxy.cut(1), "node B's pub/sub link was live");
        publishUntilAccepted(11, 60);

        await(() -> onB.numbers().size() >= 60, "every event on node B");
        assertEquals(LongStream.rangeClosed(1, 60).boxed().toList(), onB.numbers());
        assertTrue(onB.gaps().isEmpty(), "repaired, not a gap: " + onB.frames());
    }

    private RecordedChannel subscribe(ServerProcess node) throws Exception {
        RecordedChannel recorded = RecordedChannel.subscribe(node.webSocketUri(), CHANNEL);
        clients.add(recorded.client());
        return recorded;
    }

    /**
     * Publishes events numbered {@code from..to} on node A, each retried with its idempotency key until
     * accepted: a 503 whose publish ran after all (it timed out) then counts once.
     */
    private void publishUntilAccepted(int from, int to) throws Exception {
        for (int n = from; n <= to; n++) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                HttpResponse<String> response;
                try {
                    response = publishOnce(n);
                } catch (java.io.IOException e) {
                    response = null;
                }
                if (response != null && response.statusCode() == 200) {
                    break;
                }
                if (response != null && response.statusCode() != 503) {
                    fail("publish " + n + ": " + response.statusCode() + " " + response.body());
                }
                if (System.nanoTime() > deadline) {
                    fail("publish " + n + " not accepted within 30 s");
                }
                Thread.sleep(200);
            }
        }
    }

    private HttpResponse<String> publishOnce(int n) throws Exception {
        return http.send(HttpRequest.newBuilder(nodeA.httpUri("/api/channels/" + CHANNEL + "/events"))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .header("Idempotency-Key", "n" + n)
                .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + n + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int readiness(ServerProcess node) {
        try {
            return node.get("/health/ready").statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
