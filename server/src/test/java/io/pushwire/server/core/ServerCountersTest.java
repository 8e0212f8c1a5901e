package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerCountersTest {
    @Test
    void aSnapshotHoldsTheStatsKeysInTheirOrderWithTheMeanBatchSize() {
        ServerCounters counters = new ServerCounters();
        counters.messageOut(1);
        counters.messageOut(3);
        counters.unauthorized();

        Map<String, Long> snapshot = counters.snapshot();

        // The keys of /api/stats' counters and of /health/ready, which clients and dashboards read.
        assertEquals(List.of("connectionsOpened", "connectionsClosed", "eventsPublished", "eventsFannedOut",
                "eventsDelivered", "framesIn", "framesOut", "messagesOut", "meanBatchSizeX100", "protocolErrors",
                "slowConsumerCloses", "heartbeatTimeouts", "pingsSent", "rateLimited", "abuseCloses", "eventsConflated",
                "eventsDropped", "gapsAnnounced", "handshakesRejected", "originsRejected", "limitsExceeded",
                "connectionsRefused", "unauthorized", "tokensExpired", "sessionsResumed", "resumesFailed",
                "sessionsReplaced", "sessionsExpired", "channelsRetired", "pendingMeDropped", "goawaysSent",
                "transportsAborted"), List.copyOf(snapshot.keySet()));
        assertEquals(4L, snapshot.get("framesOut"));
        assertEquals(2L, snapshot.get("messagesOut"));
        assertEquals(200L, snapshot.get("meanBatchSizeX100"), "two frames per message");
        assertEquals(1L, snapshot.get("unauthorized"));
        assertEquals(1L, counters.value(Counter.UNAUTHORIZED));
    }

    @Test
    void withNothingWrittenTheMeanBatchSizeIsZero() {
        assertEquals(0L, new ServerCounters().snapshot().get("meanBatchSizeX100"));
    }
}
