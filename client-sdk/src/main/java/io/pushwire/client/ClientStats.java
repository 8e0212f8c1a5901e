package io.pushwire.client;

import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot of a {@link PushClient}'s health, from {@link PushClient#stats()}. Counters only grow, from
 * the client's creation. Each value is read without stopping the client, so values taken together may be
 * a few events apart.
 *
 * @param state               the state when the snapshot was taken
 * @param connectionAttempts  connections the client tried to open (the first, reconnects, and connects
 *                            the application asked for)
 * @param connectionSuccesses attempts that got the server's {@code welcome}
 * @param connectionFailures  attempts that ended before {@code welcome}
 * @param reconnects          attempts the client started by itself after losing a connection
 * @param resumes             welcomes with {@code resumed: true}: the server kept the session
 * @param disconnects         connections lost after their {@code welcome}
 * @param reconnectAttempt    number of the latest reconnect attempt since the last stable connection
 *                            (1 for the first); 0 before any, and 0 again once a connection has been up
 *                            {@link PushClient.Builder#stableConnectionAfter stableConnectionAfter}
 * @param lastError           the most recent failure (closed connection, server error, local error), or null
 * @param lastErrorAt         when {@code lastError} happened, or null
 * @param uptime              how long the current connection has been connected; zero when not connected
 * @param lastMessageAge      time since the last message arrived from the server, or null before the first
 * @param eventsReceived      events delivered to handlers
 * @param duplicatesDropped   events dropped because the application had them already (overlapping replay)
 * @param gaps                gaps delivered to the listener
 * @param publishBuffered     publishes accepted but not yet written to a connection
 */
public record ClientStats(ClientState state, long connectionAttempts, long connectionSuccesses,
                          long connectionFailures, long reconnects, long resumes, long disconnects,
                          int reconnectAttempt, PushClientException lastError, Instant lastErrorAt,
                          Duration uptime, Duration lastMessageAge, long eventsReceived, long duplicatesDropped,
                          long gaps, int publishBuffered) {
}
