package io.pushwire.client.internal;

import io.pushwire.client.ClientState;
import io.pushwire.client.ClientStats;
import io.pushwire.client.PushClientException;
import java.time.Duration;
import java.time.Instant;

/**
 * The figures behind {@link ClientStats}: each one is defined here, changed by the methods named after
 * what happened, and read by {@link #snapshot}. See {@link ClientStats} for what each one counts.
 *
 * <p>Written by the client's event thread only; read by any thread (stats, the application polling
 * them). Single writer, so the fields are plain volatiles and {@code ++} on them loses nothing; a reader
 * may see one figure a few events ahead of another, as {@link ClientStats} says.
 */
final class ClientCounters {
    private final Scheduler clock;

    private volatile long attempts;
    private volatile long successes;
    private volatile long failures;
    private volatile long reconnects;
    private volatile long resumes;
    private volatile long disconnects;
    private volatile long eventsReceived;
    private volatile long duplicatesDropped;
    private volatile long gapsDelivered;
    private volatile int reconnectAttempt;
    private volatile PushClientException lastError;
    /** Wall clock, epoch ms. */
    private volatile long lastErrorAt;
    /** Monotonic ms of the current connection's welcome, or -1 while not connected. */
    private volatile long connectedAt = -1;
    /** Monotonic ms of the last message from the server, or -1 before the first. */
    private volatile long lastMessageAt = -1;

    ClientCounters(Scheduler clock) {
        this.clock = clock;
    }

    /** The application asked to connect: reconnect attempts count from 0 again. */
    void connectRequested() {
        reconnectAttempt = 0;
    }

    /** A connection attempt starts; {@code automatic} when the client reconnects by itself. */
    void attemptStarted(boolean automatic) {
        attempts++;
        if (automatic) {
            reconnects++;
        }
    }

    void welcomed(boolean resumed) {
        successes++;
        if (resumed) {
            resumes++;
        }
        connectedAt = clock.nowMillis();
    }

    /** A connection ended by itself: a disconnect after its welcome, a failed attempt before. */
    void lost(boolean welcomed) {
        if (welcomed) {
            disconnects++;
        } else {
            failures++;
        }
        connectedAt = -1;
    }

    /** The application closed the client: not a disconnect, but no longer connected. */
    void closed() {
        connectedAt = -1;
    }

    void reconnectScheduled(int attempt) {
        reconnectAttempt = attempt;
    }

    /** The connection stayed up long enough to count as stable: no reconnect attempts since. */
    void stable() {
        reconnectAttempt = 0;
    }

    void messageArrived() {
        lastMessageAt = clock.nowMillis();
    }

    /** When the last message from the server arrived (monotonic ms), or -1: what the watchdog measures. */
    long lastMessageAt() {
        return lastMessageAt;
    }

    void eventDelivered() {
        eventsReceived++;
    }

    void duplicateDropped() {
        duplicatesDropped++;
    }

    void gapDelivered() {
        gapsDelivered++;
    }

    /** Remembers the latest failure, whether or not the listener hears of it. */
    void error(PushClientException error) {
        lastError = error;
        lastErrorAt = clock.wallMillis();
    }

    /** The public snapshot; {@code state} and {@code publishBuffered} are owned elsewhere. */
    ClientStats snapshot(ClientState state, int publishBuffered) {
        long now = clock.nowMillis();
        long up = connectedAt;
        long inbound = lastMessageAt;
        long errorAt = lastErrorAt;
        PushClientException error = lastError;
        return new ClientStats(state, attempts, successes, failures, reconnects, resumes, disconnects,
                reconnectAttempt, error, error == null ? null : Instant.ofEpochMilli(errorAt),
                up < 0 ? Duration.ZERO : Duration.ofMillis(Math.max(0, now - up)),
                inbound < 0 ? null : Duration.ofMillis(Math.max(0, now - inbound)),
                eventsReceived, duplicatesDropped, gapsDelivered, publishBuffered);
    }
}
