package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Conflation and the slow-consumer policy through the real server: a fast simulated feed on one symbol
 * (trades high, ticker normal and conflatable), a low-priority {@code news.*} channel fed over HTTP, and a
 * small queue budget.
 */
class DeliveryPolicyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRADES = "sim.trades.BTC-USDT";
    private static final String TICKER = "sim.ticker.BTC-USDT";
    private static final String NEWS = "news.flash";
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start("delivery-policy", Map.of(
                "pushwire.feeds.simulated.rate", "2000",
                "pushwire.feeds.simulated.symbols", "BTC-USDT",
                "pushwire.outbound.max-queue-bytes", "262144",
                "pushwire.channels.priority.news.*", "low"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aConflatedSubscriptionGetsAtMostOneEventPerIntervalAndAGapForEverySkippedSeq() throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            client.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"" + TICKER + "\",\"mode\":\"conflate\","
                    + "\"intervalMs\":200}");
            long head = client.nextOfType("subscribed").path("seq").asLong();

            List<Long> eventTimesMs = new ArrayList<>();
            long accounted = head;
            long gaps = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < deadline) {
                JsonNode frame = client.next();
                switch (frame.path("type").asText()) {
                    case "gap" -> {
                        assertEquals("conflated", frame.path("reason").asText(), frame.toString());
                        assertEquals(accounted + 1, frame.path("fromSeq").asLong(), "the gap starts where we are");
                        accounted = frame.path("toSeq").asLong();
                        gaps++;
                    }
                    case "event" -> {
                        assertEquals(accounted + 1, frame.path("seq").asLong(), "no seq unaccounted for");
                        accounted = frame.path("seq").asLong();
                        eventTimesMs.add(System.nanoTime() / 1_000_000);
                    }
                    case "ping" -> client.send("{\"type\":\"pong\"}");
                    default -> throw new AssertionError("unexpected " + frame);
                }
            }

            // The feed publishes ~1000 ticker events/s; 2 s at one per 200 ms is about 10.
            assertTrue(eventTimesMs.size() >= 5 && eventTimesMs.size() <= 12, eventTimesMs.size() + " events");
            assertTrue(gaps >= eventTimesMs.size() - 1, gaps + " gaps for " + eventTimesMs.size() + " events");
            // Sent at least 200 ms apart; received with the jitter of a busy machine, so two intervals
            // are checked with half of one as tolerance.
            for (int i = 2; i < eventTimesMs.size(); i++) {
                long spacing = eventTimesMs.get(i) - eventTimesMs.get(i - 2);
                assertTrue(spacing >= 300, "three events within " + spacing + " ms");
            }
        }
    }

    @Test
    void aStalledClientFirstLosesConflatableThenLowEventsWithGapsAndKeepsItsConnection() throws Exception {
        Map<String, Long> before = counters();
        AtomicBoolean publishing = new AtomicBoolean(true);
        try (RawClient stalled = RawClient.connect(server);
             HttpClient http = HttpClient.newHttpClient()) {
            Map<String, Long> accounted = new HashMap<>();
            Map<String, Integer> gapsByReason = new HashMap<>();
            subscribe(stalled, accounted, gapsByReason, TICKER, NEWS);

            stalled.pauseReading();
            Thread publisher = Thread.ofVirtual().start(() -> publishNews(http, publishing));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (counters().get("eventsDropped") == before.get("eventsDropped")) {
                assertTrue(System.nanoTime() < deadline, "nothing dropped within 60 s: " + counters());
                Thread.sleep(100);
            }
            publishing.set(false);
            publisher.join();
            stalled.resumeReading();
            long readUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < readUntil) {
                JsonNode frame = stalled.poll(100);
                if (frame != null) {
                    account(frame, accounted, gapsByReason);
                }
            }

            assertTrue(!stalled.isClosed(), "shedding made room: no 4001");
            assertTrue(gapsByReason.getOrDefault("conflated", 0) > 0, "ticker conflated: " + gapsByReason);
            assertTrue(gapsByReason.getOrDefault("dropped_slow_consumer", 0) > 0, "news dropped: " + gapsByReason);
            Map<String, Long> after = counters();
            assertTrue(after.get("eventsConflated") > before.get("eventsConflated"), after.toString());
            assertEquals(before.get("slowConsumerCloses"), after.get("slowConsumerCloses"));
        } finally {
            publishing.set(false);
        }
    }

    @Test
    void aStalledClientWithHighPriorityTrafficIsClosedWith4001AndOthersAreUnaffected() throws Exception {
        Map<String, Long> before = counters();
        try (RawClient stalled = RawClient.connect(server);
             RawClient healthy = RawClient.connect(server)) {
            Map<String, Long> accounted = new HashMap<>();
            Map<String, Integer> gapsByReason = new HashMap<>();
            subscribe(stalled, accounted, gapsByReason, TRADES, TICKER);
            Map<String, Long> healthyAccounted = new HashMap<>();
            subscribe(healthy, healthyAccounted, new HashMap<>(), TRADES);

            stalled.pauseReading();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long healthyEvents = 0;
            while (counters().get("slowConsumerCloses") == before.get("slowConsumerCloses")) {
                assertTrue(System.nanoTime() < deadline, "no slow-consumer close within 60 s: " + counters());
                for (int i = 0; i < 200; i++) { // the healthy client keeps up, gap-free, all along
                    account(healthy.nextOfType("event"), healthyAccounted, new HashMap<>());
                    healthyEvents++;
                }
            }
            stalled.resumeReading();
            readUntilClosed(stalled, accounted, gapsByReason);

            assertEquals(4001, stalled.awaitClose(10));
            Map<String, Long> after = counters();
            assertTrue(after.get("eventsConflated") > before.get("eventsConflated"), "conflated before closing: " + after);
            assertTrue(healthyEvents >= 200);
            account(healthy.nextOfType("event"), healthyAccounted, new HashMap<>());
            assertTrue(!healthy.isClosed());
        }
    }

    private static void subscribe(RawClient client, Map<String, Long> accounted, Map<String, Integer> gaps,
                                  String... channels) throws Exception {
        client.hello();
        for (String channel : channels) {
            client.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"" + channel + "\"}");
        }
        while (accounted.size() < channels.length) {
            account(client.next(), accounted, gaps);
        }
    }

    /**
     * Reads until the server closes, checking per channel that every seq was delivered or announced in a
     * gap, in order: whatever the slow consumer lost, it was told about.
     */
    private static void readUntilClosed(RawClient client, Map<String, Long> accounted, Map<String, Integer> gaps)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            JsonNode frame = client.poll(200);
            if (frame == null) {
                if (client.isClosed()) {
                    return;
                }
                continue;
            }
            account(frame, accounted, gaps);
        }
        throw new AssertionError("the slow client was not closed within 30 s of reading again");
    }

    /** Checks one frame against what the client knows of each channel, and moves it on. */
    private static void account(JsonNode frame, Map<String, Long> accounted, Map<String, Integer> gaps) {
        String channel = frame.path("channel").asText();
        switch (frame.path("type").asText()) {
            case "subscribed" -> accounted.put(channel, frame.path("seq").asLong());
            case "event" -> {
                assertEquals(accounted.get(channel) + 1, frame.path("seq").asLong(), channel + " seq");
                accounted.put(channel, frame.path("seq").asLong());
            }
            case "gap" -> {
                assertEquals(accounted.get(channel) + 1, frame.path("fromSeq").asLong(), "gap " + frame);
                accounted.put(channel, frame.path("toSeq").asLong());
                gaps.merge(frame.path("reason").asText(), 1, Integer::sum);
            }
            case "ping" -> {
                // a pause long enough earns a ping; not answering is fine for this test
            }
            default -> throw new AssertionError("unexpected " + frame);
        }
    }

    private static void publishNews(HttpClient http, AtomicBoolean publishing) {
        String body = "{\"headline\":\"" + "n".repeat(8_000) + "\"}";
        try {
            for (int i = 0; i < 20_000 && publishing.get(); i++) {
                http.send(HttpRequest.newBuilder(server.httpUri("/api/channels/" + NEWS + "/events"))
                        .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.discarding());
                Thread.sleep(5);
            }
        } catch (Exception e) {
            if (publishing.get()) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static Map<String, Long> counters() throws Exception {
        JsonNode health = JSON.readTree(server.get("/health/ready").body());
        Map<String, Long> data = new HashMap<>();
        for (JsonNode check : health.path("checks")) {
            check.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asLong()));
        }
        return data;
    }
}
