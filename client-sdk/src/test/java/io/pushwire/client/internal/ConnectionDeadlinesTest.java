package io.pushwire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Welcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A connection that misses its welcome, heartbeat or goaway deadline is dropped, and how is reported. */
class ConnectionDeadlinesTest {
    private final ManualConnection connection = new ManualConnection();
    private final RecordingTransport transport = new RecordingTransport();
    private final FrameSender sender = new FrameSender(new FrameCodec());
    private final ClientCounters counters = new ClientCounters(connection.time);
    private final List<String> lost = new ArrayList<>();
    private final ConnectionDeadlines deadlines = new ConnectionDeadlines(2_000, connection.time, counters, connection,
            sender, (code, reason) -> lost.add(code + " " + reason));

    {
        sender.attach(transport, error -> { });
    }

    @Test
    void aWelcomeThatDoesNotComeWithinTheConnectTimeoutDropsTheAttempt() {
        deadlines.attemptStarted();
        connection.time.advance(1_999);
        assertEquals(List.of(), lost);
        connection.time.advance(1);
        assertTrue(transport.aborted);
        assertEquals(List.of("1006 no welcome within 2000 ms"), lost);
    }

    @Test
    void aWelcomeInTimeEndsTheConnectDeadline() {
        deadlines.attemptStarted();
        welcome(0, 0);
        connection.time.advance(10_000);
        assertEquals(List.of(), lost);
        assertEquals(List.of(), connection.time.pendingDelays());
    }

    @Test
    void aConnectionSilentForIntervalPlusTimeoutIsDroppedAsHalfOpen() {
        counters.messageArrived();
        welcome(1_000, 500);
        connection.time.advance(1_000);
        counters.messageArrived(); // any frame is a sign of life
        connection.time.advance(1_499);
        assertEquals(List.of(), lost);
        assertFalse(transport.aborted);
        connection.time.advance(1);
        assertTrue(transport.aborted);
        assertEquals(List.of("4000 heartbeat timeout: nothing from the server for 1500 ms (interval + timeout 1500 ms)"),
                lost);
    }

    @Test
    void noHeartbeatNoWatch() {
        welcome(0, 10_000);
        assertEquals(List.of(), connection.time.pendingDelays());
    }

    @Test
    void afterAGoawayTheClientLeavesByItselfWhenTheServerHasNotClosed() {
        welcome(0, 0);
        deadlines.goaway(3_000, "draining");
        deadlines.goaway(2_000, "draining again"); // the latest goaway sets the time
        assertEquals(List.of(2_000L), connection.time.pendingDelays());
        connection.time.advance(2_000);
        assertEquals(1000, transport.closedWithCode);
        assertFalse(transport.aborted);
        assertEquals(List.of("1001 server draining (goaway: draining again)"), lost);
    }

    @Test
    void aGoawayBeforeTheWelcomeDoesNotDropTheAttempt() {
        deadlines.goaway(0, "draining");
        connection.time.advance(0);
        assertEquals(List.of(), lost);
        assertEquals(0, transport.closedWithCode);
    }

    @Test
    void theEndOfTheConnectionCancelsEveryDeadline() {
        deadlines.attemptStarted();
        welcome(1_000, 500);
        deadlines.goaway(2_000, "draining");
        deadlines.connectionEnded();
        assertEquals(List.of(), connection.time.pendingDelays());
    }

    private void welcome(long intervalMs, long timeoutMs) {
        connection.connected = true;
        deadlines.welcomed();
        deadlines.watchHeartbeat(new Welcome.Heartbeat(intervalMs, timeoutMs));
    }
}
