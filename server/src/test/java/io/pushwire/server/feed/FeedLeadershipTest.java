package io.pushwire.server.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.server.broker.MemoryLeaseStore;
import io.pushwire.server.core.FeedSink;
import io.pushwire.server.core.PushServer;
import io.pushwire.server.core.ServerConfig;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes contending for one feed over one lease store and one hub (as nodes sharing a broker would):
 * exactly one runs the feed, and the other takes it over, continuing after it, once the leader lets go.
 */
class FeedLeadershipTest {
    private static final long LEASE_MS = 300;

    private final PushServer server = new PushServer(ServerConfig.builder().build(), new FrameCodec(), InstantSource.system());
    private final MemoryLeaseStore leases = new MemoryLeaseStore(InstantSource.system());
    private final List<String> log = new CopyOnWriteArrayList<>();
    private FeedLeadership nodeA;
    private FeedLeadership nodeB;

    /** A feed that only says what happens to it, and publishes one trade when started. */
    private final class ScriptedFeed implements Feed {
        private final FeedSink sink;
        private volatile boolean running;

        ScriptedFeed(FeedSink sink) {
            this.sink = sink;
        }

        @Override
        public String name() {
            return "test";
        }

        @Override
        public List<String> channels() {
            return List.of("test.trades.X");
        }

        @Override
        public void continueAfter(Map<String, JsonNode> latestData) {
            log.add("continue after " + latestData.get("test.trades.X"));
        }

        @Override
        public void start() {
            running = true;
            sink.publish("test.trades.X", JsonNodeFactory.instance.objectNode().put("tradeId", "7"));
            log.add("started");
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public boolean required() {
            return true;
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("state", running ? "LIVE" : "CLOSED");
        }

        @Override
        public Figures figures() {
            return new Figures(running, 0, -1, 0, 0, 0);
        }

        @Override
        public void close() {
            running = false;
            log.add("closed");
        }
    }

    private FeedLeadership node(String name) {
        return new FeedLeadership(ScriptedFeed::new, server.hub(), leases, name, LEASE_MS, InstantSource.system());
    }

    @AfterEach
    void close() {
        if (nodeB != null) {
            nodeB.close();
        }
        server.close();
    }

    @Test
    void oneNodeLeadsAndTheOtherTakesOverContinuingAfterItWhenItLetsGo() throws Exception {
        nodeA = node("node-a");
        nodeB = node("node-b");
        nodeA.start();
        nodeB.start();

        assertEquals(Map.of("state", "LIVE", "leader", "node-a", "leading", true), nodeA.describe());
        assertEquals("node-a", nodeB.describe().get("leader"));
        assertFalse((Boolean) nodeB.describe().get("leading"));
        assertTrue(nodeB.isRunning(), "the feed runs, on another node: not a reason for readiness DOWN");
        assertEquals(List.of("closed", "closed", "continue after null", "started"), log,
                "the two prototypes closed unstarted; only node-a started its feed");

        nodeA.close();
        await(() -> Boolean.TRUE.equals(nodeB.describe().get("leading")), "node-b to take the feed over");

        assertEquals("node-b", nodeB.describe().get("leader"));
        assertEquals(List.of("closed", "closed", "continue after null", "started", "closed",
                "continue after {\"tradeId\":\"7\"}", "started"), log);
        assertEquals(2, server.hub().head("test.trades.X"), "node-a's trade, then node-b's");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
