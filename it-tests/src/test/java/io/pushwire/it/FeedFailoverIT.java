package io.pushwire.it;

import static io.pushwire.it.MarketTape.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pushwire.client.PushClient;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Status;
import io.pushwire.server.broker.redis.RedisServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes on one Redis, each willing to run the simulated feed; one leads it. {@code kill -9} of the
 * leader: another node leads within the lease (plus a third), and subscribers on the surviving nodes see
 * {@code status stale}, then live events again, in one epoch with no seq going backwards, no hole and no
 * trade id twice.
 */
class FeedFailoverIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long LEASE_MS = 1_500;
    private static final String TRADES = "sim.trades.BTC-USDT";

    private RedisServer redis;
    private final Map<String, ServerProcess> nodes = new HashMap<>();
    private final List<PushClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        clients.forEach(PushClient::close);
        for (ServerProcess node : nodes.values()) {
            node.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void whenTheLeaderIsKilledAnotherNodeLeadsAndSubscribersSeeStaleThenLiveTradesWithNoRepeat() throws Exception {
        redis = RedisServer.start();
        for (String id : List.of("node-a", "node-b", "node-c")) {
            nodes.put(id, ServerProcess.start("failover-" + id, Map.of(
                    "pushwire.broker", "redis",
                    "pushwire.redis.uri", redis.uri(),
                    "pushwire.node.id", id,
                    "pushwire.feeds.lease-ms", Long.toString(LEASE_MS),
                    "pushwire.feeds.simulated.rate", "100",
                    "pushwire.feeds.simulated.symbols", "BTC-USDT")));
        }
        String leader = leaderSeenBy(nodes.get("node-a"));
        for (ServerProcess node : nodes.values()) {
            assertEquals(leader, leaderSeenBy(node), "every node agrees on the leader");
        }
        List<String> survivors = nodes.keySet().stream().filter(id -> !id.equals(leader)).sorted().toList();
        List<RecordedChannel> seen = new ArrayList<>();
        for (String survivor : survivors) {
            seen.add(subscribe(nodes.get(survivor)));
        }
        await(() -> seen.stream().allMatch(s -> s.events().size() >= 20), "trades before the kill");

        long killedAt = System.nanoTime();
        nodes.remove(leader).kill();
        await(() -> !leaderSeenBy(nodes.get(survivors.get(0))).equals(leader)
                && !leaderSeenBy(nodes.get(survivors.get(0))).equals("none"), "a new leader");
        long takeoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        String newLeader = leaderSeenBy(nodes.get(survivors.get(0)));
        assertTrue(survivors.contains(newLeader), newLeader);
        assertTrue(takeoverMs <= LEASE_MS + LEASE_MS / 3 + 2_000, "took " + takeoverMs + " ms");
        int before = seen.get(0).events().size();
        await(() -> seen.stream().allMatch(s -> s.events().size() >= before + 20), "trades from the new leader");

        System.out.println("FeedFailoverIT: " + leader + " killed, " + newLeader + " leads after " + takeoverMs + " ms");
        for (String survivor : survivors) {
            String leading = "pushwire_feed_leading{feed=\"sim\"} " + (survivor.equals(newLeader) ? "1.0" : "0.0");
            String metrics = nodes.get(survivor).get("/metrics").body();
            assertTrue(metrics.contains(leading), survivor + " exports " + leading);
        }
        for (RecordedChannel subscriber : seen) {
            assertOneEpochNoHoleNoRepeat(subscriber);
            List<Status> statuses = subscriber.statuses();
            assertTrue(statuses.stream().anyMatch(Status::stale), "stale during the handover: " + statuses);
            assertTrue(!statuses.get(statuses.size() - 1).stale(), "live again: " + statuses);
        }
    }

    private RecordedChannel subscribe(ServerProcess node) throws Exception {
        RecordedChannel recorded = RecordedChannel.subscribe(node.webSocketUri(), TRADES);
        clients.add(recorded.client());
        return recorded;
    }

    private static void assertOneEpochNoHoleNoRepeat(RecordedChannel subscriber) {
        List<Event> events = subscriber.events();
        long lastTradeId = 0;
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            assertEquals(events.get(0).epoch(), event.epoch(), "one epoch across the handover");
            if (i > 0) {
                assertEquals(events.get(i - 1).seq() + 1, event.seq(), "seq " + event.seq() + " after "
                        + events.get(i - 1).seq());
            }
            long tradeId = Long.parseLong(event.data().path("tradeId").asText());
            assertTrue(tradeId > lastTradeId, "trade id " + tradeId + " after " + lastTradeId);
            lastTradeId = tradeId;
        }
        assertTrue(subscriber.gaps().isEmpty(), "no gap: " + subscriber.frames());
    }

    private static String leaderSeenBy(ServerProcess node) {
        try {
            JsonNode ready = JSON.readTree(node.get("/health/ready").body());
            for (JsonNode check : ready.path("checks")) {
                JsonNode leader = check.path("data").path("feed.sim.leader");
                if (!leader.isMissingNode()) {
                    return leader.asText();
                }
            }
            return "none";
        } catch (Exception e) {
            return "none";
        }
    }
}
