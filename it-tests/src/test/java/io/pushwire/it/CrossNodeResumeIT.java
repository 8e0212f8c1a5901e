package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pushwire.server.broker.redis.RedisServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sessions in Redis, seen by a client written from the protocol alone (plain JDK WebSocket, plain JSON):
 * it resumes on another node with its clientId, resumeToken and positions, after its node was killed, or
 * while its node still holds it (that connection gets 4003).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossNodeResumeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.concurrent.atomic.AtomicInteger TESTS = new java.util.concurrent.atomic.AtomicInteger();
    private static final String TOKEN = "resume-admin";

    private RedisServer redis;
    private ServerProcess nodeA;
    private ServerProcess nodeB;
    private final HttpClient http = HttpClient.newHttpClient();

    /** This test's channel: the nodes and Redis serve every test, each on channels of its own. */
    private String channel;

    @BeforeAll
    void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    /** The two nodes, started again where a test killed one. */
    @BeforeEach
    void start() throws Exception {
        channel = "app.resume" + TESTS.incrementAndGet();
        if (nodeA == null || !nodeA.isAlive()) {
            nodeA = ServerProcess.start("resume-a", settings("resume-a"));
        }
        if (nodeB == null || !nodeB.isAlive()) {
            nodeB = ServerProcess.start("resume-b", settings("resume-b"));
        }
    }

    private Map<String, String> settings(String node) {
        Map<String, String> settings = new HashMap<>();
        settings.put("pushwire.broker", "redis");
        settings.put("pushwire.redis.uri", redis.uri());
        settings.put("pushwire.node.id", node);
        settings.put("pushwire.feeds.simulated.enabled", "false");
        settings.put("pushwire.admin.token", TOKEN);
        return settings;
    }

    @AfterAll
    void stop() throws Exception {
        http.close();
        for (ServerProcess node : new ServerProcess[] {nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    private JsonNode post(ServerProcess node, String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(node.httpUri(path))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private void publish(ServerProcess node, int n) throws Exception {
        assertEquals(n, post(node, "/api/channels/" + channel + "/events", "{\"n\":" + n + "}").path("seq").asLong());
    }

    private static String resumeHello(JsonNode welcome, String positions) {
        return ",\"clientId\":\"" + welcome.path("clientId").asText() + "\",\"resumeToken\":\""
                + welcome.path("resumeToken").asText() + "\"" + positions;
    }

    /** A client on {@code node} subscribed to the channel and its $me, having read events 1..3. */
    private JsonNode[] subscribedAndRead(ServerProcess node, RawClient client) throws Exception {
        JsonNode welcome = client.hello();
        client.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"" + channel + "\"}");
        client.nextOfType("subscribed");
        client.send("{\"type\":\"subscribe\",\"id\":3,\"channel\":\"$me\"}");
        client.nextOfType("subscribed");
        JsonNode last = null;
        for (int n = 1; n <= 3; n++) {
            publish(node, n);
            last = client.nextOfType("event");
            assertEquals(n, last.path("seq").asLong());
        }
        return new JsonNode[] {welcome, last};
    }

    /** {@link #subscribedAndRead} on node A, which is then killed with SIGKILL under the client. */
    private JsonNode[] subscribedAndReadTillNodeAIsKilled() throws Exception {
        try (RawClient onA = RawClient.connect(nodeA)) {
            JsonNode[] state = subscribedAndRead(nodeA, onA);
            nodeA.kill();
            return state;
        }
    }

    /** The restored subscriptions (in any order), then events; returns the events of channel and of $me. */
    private Map<String, java.util.List<JsonNode>> eventsAfterResume(RawClient client, int channelEvents, int pushes)
            throws Exception {
        Map<String, java.util.List<JsonNode>> events = new HashMap<>();
        events.put(channel, new java.util.ArrayList<>());
        events.put("$me", new java.util.ArrayList<>());
        int restored = 0;
        java.util.List<JsonNode> seen = new java.util.ArrayList<>();
        while (events.get(channel).size() < channelEvents || events.get("$me").size() < pushes || restored < 2) {
            JsonNode frame = client.poll(10_000);
            if (frame == null) {
                throw new AssertionError("after resume, within 10 s, only: " + seen);
            }
            seen.add(frame);
            switch (frame.path("type").asText()) {
                case "subscribed" -> {
                    assertFalse(frame.has("id"), "restored, not asked for: " + frame);
                    restored++;
                }
                case "event" -> events.get(frame.path("channel").asText()).add(frame);
                case "ping" -> client.send("{\"type\":\"pong\"}");
                default -> throw new AssertionError("unexpected after resume: " + frame);
            }
        }
        return events;
    }

    @Test
    void aClientResumesOnAnotherNodeAfterItsNodeWasKilledWithNothingMissed() throws Exception {
        JsonNode[] state = subscribedAndReadTillNodeAIsKilled();
        JsonNode welcome = state[0];
        JsonNode last = state[1];
        for (int n = 4; n <= 6; n++) {
            publish(nodeB, n);
        }
        JsonNode pushed = post(nodeB, "/api/sessions/" + welcome.path("clientId").asText() + "/events", "{\"private\":1}");
        assertEquals(1, pushed.path("seq").asLong(), "the push went to the session's $me: " + pushed);
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(nodeB.httpUri("/api/sessions/NOSUCHSESSION/events"))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, unknown.statusCode(), "a push to an unknown session, on any node: " + unknown.body());

        try (RawClient onB = RawClient.connect(nodeB)) {
            JsonNode resumed = onB.hello(resumeHello(welcome, ",\"positions\":{\"" + channel + "\":{\"seq\":3,\"epoch\":\""
                    + last.path("epoch").asText() + "\"}}"));

            assertTrue(resumed.path("resumed").asBoolean(), resumed.toString());
            Map<String, java.util.List<JsonNode>> events = eventsAfterResume(onB, 3, 1);
            for (int i = 0; i < 3; i++) {
                JsonNode event = events.get(channel).get(i);
                assertEquals(4 + i, event.path("seq").asLong(), "contiguous after the position: " + event);
                assertEquals(last.path("epoch").asText(), event.path("epoch").asText(), "the same epoch");
                assertEquals(4 + i, event.path("data").path("n").asInt());
            }
            assertEquals(1, events.get("$me").get(0).path("data").path("private").asInt());
        }
    }

    @Test
    void aResumeOnAnotherNodeTakesTheSessionFromTheConnectionStillHoldingIt() throws Exception {
        try (RawClient onA = RawClient.connect(nodeA); RawClient onB = RawClient.connect(nodeB)) {
            JsonNode[] state = subscribedAndRead(nodeA, onA);
            JsonNode welcome = state[0];

            JsonNode resumed = onB.hello(resumeHello(welcome, ""));

            assertTrue(resumed.path("resumed").asBoolean(), resumed.toString());
            assertEquals(4003, onA.awaitClose(5), "the older connection is closed as taken over");
            JsonNode seenFromA = JSON.readTree(nodeA.get("/api/sessions/" + welcome.path("clientId").asText(),
                    "Bearer " + TOKEN).body());
            assertEquals("resume-b", seenFromA.path("node").asText(), "node A sees which node holds it: " + seenFromA);
            eventsAfterResume(onB, 0, 0); // both subscriptions restored, from what was written (seq 3)
            publish(nodeA, 4);
            JsonNode next = onB.nextOfType("event");
            assertEquals(4, next.path("seq").asLong(), "no gap and no duplicate: " + next);
            post(nodeA, "/api/sessions/" + welcome.path("clientId").asText() + "/events", "{\"private\":2}");
            JsonNode push = onB.nextOfType("event");
            assertEquals("$me", push.path("channel").asText());
            assertEquals(2, push.path("data").path("private").asInt(), "a push on the old node reaches the new one");
        }
    }

    @Test
    void aNodeKilledAndStartedAgainOnTheSameRedisKeepsItsSessions() throws Exception {
        JsonNode[] state = subscribedAndReadTillNodeAIsKilled();
        JsonNode welcome = state[0];
        JsonNode last = state[1];
        nodeA = ServerProcess.start("resume-a-again", settings("resume-a"));
        publish(nodeA, 4);
        post(nodeA, "/api/sessions/" + welcome.path("clientId").asText() + "/events", "{\"private\":3}");

        try (RawClient again = RawClient.connect(nodeA)) {
            JsonNode resumed = again.hello(resumeHello(welcome, ",\"positions\":{\"" + channel + "\":{\"seq\":3,\"epoch\":\""
                    + last.path("epoch").asText() + "\"}}"));

            assertTrue(resumed.path("resumed").asBoolean(), resumed.toString());
            Map<String, java.util.List<JsonNode>> events = eventsAfterResume(again, 1, 1);
            assertEquals(4, events.get(channel).get(0).path("seq").asLong());
            assertEquals(last.path("epoch").asText(), events.get(channel).get(0).path("epoch").asText(), "no epoch change");
            assertEquals(3, events.get("$me").get(0).path("data").path("private").asInt());
        }
    }

    @Test
    void ofTwoResumesOfOneSessionOnTwoNodesAtOnceOneWinsAndTheOtherGets4003() throws Exception {
        JsonNode welcome;
        try (RawClient first = RawClient.connect(nodeA)) {
            welcome = first.hello();
            first.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"" + channel + "\"}");
            first.nextOfType("subscribed");
        }
        try (RawClient onA = RawClient.connect(nodeA); RawClient onB = RawClient.connect(nodeB)) {
            String hello = "{\"type\":\"hello\",\"id\":1,\"protocol\":1" + resumeHello(welcome, "") + "}";
            Thread.ofVirtual().start(() -> onA.send(hello));
            onB.send(hello);

            long deadline = System.nanoTime() + 10_000_000_000L;
            while (onA.isClosed() == onB.isClosed() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(onA.isClosed() != onB.isClosed(), "exactly one of the two is closed");
            RawClient loser = onA.isClosed() ? onA : onB;
            RawClient winner = onA.isClosed() ? onB : onA;
            assertEquals(4003, loser.awaitClose(1));
            publish(nodeA, 1);
            JsonNode event = winner.next();
            while (!event.path("type").asText().equals("event")) { // its welcome and restored subscription first
                assertTrue(java.util.Set.of("welcome", "subscribed", "ping").contains(event.path("type").asText()), event.toString());
                event = winner.next();
            }
            assertEquals(1, event.path("seq").asLong(), "the winner holds the session: " + event);
            Thread.sleep(500);
            assertFalse(winner.isClosed(), "and keeps it");
        }
    }
}
