package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.server.broker.redis.RedisCluster;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two packaged nodes on a Redis Cluster of three masters started by the test: channels whose keys live
 * on different shards are published on one node and delivered on the other (sharded pub/sub), replayed
 * from their streams, and continued after a resume.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisClusterIT {
    private RedisCluster cluster;
    private ServerProcess publisherNode;
    private ServerProcess subscriberNode;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Two channels on different masters. */
    private final List<String> channels = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        cluster = RedisCluster.start(3);
        Map<String, String> settings = Map.of("pushwire.broker", "redis", "pushwire.redis.uri", cluster.uris(),
                "pushwire.feeds.simulated.enabled", "false");
        publisherNode = ServerProcess.start("redis-cluster-a", settings);
        subscriberNode = ServerProcess.start("redis-cluster-b", settings);
        Map<Integer, String> byMaster = new HashMap<>();
        for (int i = 0; byMaster.size() < 2 && i < 100; i++) {
            String channel = "shard.c" + i;
            byMaster.putIfAbsent(cluster.portOf("pushwire:{" + channel + "}:m"), channel);
        }
        channels.addAll(byMaster.values());
        assertEquals(2, channels.size(), "two channels on two masters");
    }

    @AfterAll
    void stop() throws Exception {
        http.close();
        for (ServerProcess node : new ServerProcess[] {publisherNode, subscriberNode}) {
            if (node != null) {
                node.close();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private long publish(String channel, int n) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        publisherNode.httpUri("/api/channels/" + channel + "/events"))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + n + "}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).path("seq").asLong();
    }

    @Test
    void channelsOnDifferentShardsArePublishedOnOneNodeDeliveredOnAnotherReplayedAndResumed() throws Exception {
        assertNotEquals(cluster.portOf("pushwire:{" + channels.get(0) + "}:m"),
                cluster.portOf("pushwire:{" + channels.get(1) + "}:m"));
        JsonNode welcome;
        Map<String, JsonNode> last = new HashMap<>();
        try (RawClient live = RawClient.connect(subscriberNode)) {
            welcome = live.hello();
            int id = 2;
            for (String channel : channels) {
                live.send("{\"type\":\"subscribe\",\"id\":" + id++ + ",\"channel\":\"" + channel + "\"}");
                assertEquals(0, live.nextOfType("subscribed").path("seq").asLong());
            }
            for (int n = 1; n <= 5; n++) {
                for (String channel : channels) {
                    assertEquals(n, publish(channel, n));
                }
            }
            for (int i = 0; i < 10; i++) {
                JsonNode event = live.nextOfType("event");
                String channel = event.path("channel").asText();
                long expected = last.containsKey(channel) ? last.get(channel).path("seq").asLong() + 1 : 1;
                assertEquals(expected, event.path("seq").asLong(), "in order on " + channel);
                assertEquals(expected, event.path("data").path("n").asLong());
                last.put(channel, event);
            }
        }
        // Away: more events on both shards, then a resume with the positions the client had.
        for (String channel : channels) {
            publish(channel, 6);
            publish(channel, 7);
        }
        StringBuilder positions = new StringBuilder();
        for (String channel : channels) {
            JsonNode event = last.get(channel);
            positions.append(positions.isEmpty() ? "" : ",").append('"').append(channel).append("\":{\"seq\":")
                    .append(event.path("seq").asLong()).append(",\"epoch\":\"").append(event.path("epoch").asText()).append("\"}");
        }
        try (RawClient again = RawClient.connect(subscriberNode)) {
            JsonNode resumed = again.hello(",\"clientId\":\"" + welcome.path("clientId").asText() + "\",\"resumeToken\":\""
                    + welcome.path("resumeToken").asText() + "\",\"positions\":{" + positions + "}");
            assertTrue(resumed.path("resumed").asBoolean(), resumed.toString());
            Map<String, List<Long>> replayed = new HashMap<>();
            int events = 0;
            while (events < 4) {
                JsonNode frame = again.next();
                String type = frame.path("type").asText();
                if (type.equals("subscribed")) {
                    assertTrue(frame.path("recovered").asBoolean(), "restored and recovered: " + frame);
                } else {
                    assertEquals("event", type, frame.toString());
                    replayed.computeIfAbsent(frame.path("channel").asText(), c -> new ArrayList<>())
                            .add(frame.path("data").path("n").asLong());
                    events++;
                }
            }
            for (String channel : channels) {
                assertEquals(List.of(6L, 7L), replayed.get(channel), "replayed from the stream of " + channel);
            }
        }
        // A new subscriber on the publishing node replays history from the start of the epoch.
        try (RawClient late = RawClient.connect(publisherNode)) {
            late.hello();
            String epoch = last.get(channels.get(1)).path("epoch").asText();
            late.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"" + channels.get(1)
                    + "\",\"since\":{\"seq\":0,\"epoch\":\"" + epoch + "\"}}");
            JsonNode subscribed = late.nextOfType("subscribed");
            assertEquals(7, subscribed.path("replayed").asLong(), subscribed.toString());
            for (int n = 1; n <= 7; n++) {
                assertEquals(n, late.nextOfType("event").path("data").path("n").asLong());
            }
        }
    }
}
