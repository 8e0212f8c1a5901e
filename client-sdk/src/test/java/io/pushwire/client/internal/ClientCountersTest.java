package io.pushwire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pushwire.client.ClientState;
import io.pushwire.client.ClientStats;
import io.pushwire.client.PushClientException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each figure of {@link ClientStats} is moved by the event that defines it, and only by that one. */
class ClientCountersTest {
    private final ManualScheduler time = new ManualScheduler();
    private final ClientCounters counters = new ClientCounters(time);

    @Test
    void aFreshClientHasCountedNothing() {
        ClientStats stats = counters.snapshot(ClientState.DISCONNECTED, 0);
        assertEquals(new ClientStats(ClientState.DISCONNECTED, 0, 0, 0, 0, 0, 0, 0, null, null, Duration.ZERO, null,
                0, 0, 0, 0), stats);
        assertEquals(-1, counters.lastMessageAt());
    }

    @Test
    void attemptsEndInAWelcomeOrAFailureAndWelcomedConnectionsInADisconnect() {
        counters.attemptStarted(false);
        counters.lost(false);
        counters.attemptStarted(true);
        counters.welcomed(false);
        counters.lost(true);
        counters.attemptStarted(true);
        counters.welcomed(true);
        ClientStats stats = counters.snapshot(ClientState.CONNECTED, 0);
        assertEquals(3, stats.connectionAttempts());
        assertEquals(2, stats.reconnects());
        assertEquals(2, stats.connectionSuccesses());
        assertEquals(1, stats.connectionFailures());
        assertEquals(1, stats.resumes());
        assertEquals(1, stats.disconnects());
    }

    @Test
    void uptimeRunsFromTheWelcomeUntilTheConnectionIsLostOrClosed() {
        counters.welcomed(false);
        time.advance(4_000);
        assertEquals(Duration.ofSeconds(4), counters.snapshot(ClientState.CONNECTED, 0).uptime());
        counters.lost(true);
        assertEquals(Duration.ZERO, counters.snapshot(ClientState.CONNECTING, 0).uptime());
        counters.welcomed(true);
        time.advance(1_000);
        counters.closed();
        ClientStats closed = counters.snapshot(ClientState.CLOSED, 0);
        assertEquals(Duration.ZERO, closed.uptime());
        assertEquals(1, closed.disconnects(), "closing is not a disconnect");
    }

    @Test
    void messageAgeIsMeasuredFromTheLastMessage() {
        counters.messageArrived();
        long arrived = time.nowMillis();
        time.advance(2_500);
        assertEquals(arrived, counters.lastMessageAt());
        assertEquals(Duration.ofMillis(2_500), counters.snapshot(ClientState.CONNECTED, 0).lastMessageAge());
    }

    @Test
    void theReconnectAttemptIsTheLatestScheduledAndConnectStartsItAgain() {
        counters.reconnectScheduled(1);
        counters.reconnectScheduled(2);
        assertEquals(2, counters.snapshot(ClientState.CONNECTING, 0).reconnectAttempt());
        counters.connectRequested();
        assertEquals(0, counters.snapshot(ClientState.CONNECTING, 0).reconnectAttempt());
    }

    @Test
    void aStableConnectionSetsTheReconnectAttemptBackToZero() {
        counters.reconnectScheduled(4);
        counters.welcomed(true);
        assertEquals(4, counters.snapshot(ClientState.CONNECTED, 0).reconnectAttempt());
        counters.stable();
        assertEquals(0, counters.snapshot(ClientState.CONNECTED, 0).reconnectAttempt());
        counters.reconnectScheduled(1);
        assertEquals(1, counters.snapshot(ClientState.CONNECTING, 0).reconnectAttempt());
    }

    @Test
    void deliveryFiguresAndTheBufferedPublishesPassedIn() {
        counters.eventDelivered();
        counters.eventDelivered();
        counters.duplicateDropped();
        counters.gapDelivered();
        ClientStats stats = counters.snapshot(ClientState.CONNECTED, 7);
        assertEquals(2, stats.eventsReceived());
        assertEquals(1, stats.duplicatesDropped());
        assertEquals(1, stats.gaps());
        assertEquals(7, stats.publishBuffered());
    }

    @Test
    void theLatestErrorIsKeptWithItsWallClockTime() {
        PushClientException first = new PushClientException("first", null, 1006, null);
        PushClientException second = new PushClientException("second", null, 0, null);
        counters.error(first);
        time.advance(1_000);
        counters.error(second);
        ClientStats stats = counters.snapshot(ClientState.CONNECTING, 0);
        assertSame(second, stats.lastError());
        assertEquals(Instant.ofEpochMilli(time.wallMillis()), stats.lastErrorAt());
    }
}
