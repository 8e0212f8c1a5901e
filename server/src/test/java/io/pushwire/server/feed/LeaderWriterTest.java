package io.pushwire.server.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.server.core.FeedSink;
import io.pushwire.server.core.PushServer;
import io.pushwire.server.core.Published;
import io.pushwire.server.core.ServerConfig;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A leader that lost its lease without knowing: its writes are fenced, dropped, and it is told. */
class LeaderWriterTest {
    private final PushServer server = new PushServer(ServerConfig.builder().build(), new FrameCodec(),
            InstantSource.system());
    private final AtomicInteger fenced = new AtomicInteger();

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void writesOfAnOlderLeaderAfterANewerOneWroteAreDroppedAndReported() {
        server.hub().declare("test.trades.X");
        FeedSink old = new LeaderWriter(server.hub().writerFencedBy(1), fenced::incrementAndGet);
        FeedSink newer = new LeaderWriter(server.hub().writerFencedBy(2), () -> { });
        old.publish("test.trades.X", IntNode.valueOf(1));
        newer.publish("test.trades.X", IntNode.valueOf(2));

        assertEquals(0, old.publish("test.trades.X", IntNode.valueOf(3)).seq());
        assertFalse(old.markStale("test.trades.X", true, "old leader's view"));
        assertEquals(0, old.announceUpstreamGap("test.trades.X").seq());

        assertEquals(3, fenced.get());
        assertEquals(2, server.hub().head("test.trades.X"), "only the two admitted publishes");
    }

    @Test
    void aTradeThatBothLeadersSendAroundAHandoverIsPublishedOnce() {
        server.hub().declare("test.trades.X");
        MarketEvent.Trade trade = new MarketEvent.Trade("X", "1.5", "2", "buy", "9001", 1_000);
        FeedSink old = new LeaderWriter(server.hub().writerFencedBy(1), fenced::incrementAndGet);
        FeedSink newer = new LeaderWriter(server.hub().writerFencedBy(2), () -> { });

        assertEquals(1, old.publish("test.trades.X", trade.toJson("test"), trade.idempotencyKey()).seq());
        Published again = newer.publish("test.trades.X", trade.toJson("test"), trade.idempotencyKey());

        assertTrue(again.repeated(), "the new leader's copy is a repeat");
        assertEquals(1, again.seq(), "answered with the first copy's seq");
        assertEquals(1, server.hub().head("test.trades.X"), "published once");
        assertEquals(0, fenced.get());
    }
}
