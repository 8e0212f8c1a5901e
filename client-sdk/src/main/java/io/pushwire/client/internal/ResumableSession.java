package io.pushwire.client.internal;

import io.pushwire.protocol.Hello;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.ProtocolVersion;
import io.pushwire.protocol.Welcome;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The server session this client may resume: the id and resume token of the last welcome, and how long
 * the server keeps the session after its connection is lost ({@code sessionTtlMs}). A {@code hello}
 * within that time asks to resume it, with the channels' positions; before the first welcome, or once
 * the time is up, it asks for a fresh session.
 *
 * <p>Written on the event thread only; {@link #clientId()} is read by any thread.
 */
final class ResumableSession {
    private final Scheduler clock;
    private volatile String clientId;
    private String resumeToken;
    private long ttlMs;
    /** When the last welcomed connection was lost (monotonic ms), or -1 while it lasts. */
    private long lostAt = -1;

    ResumableSession(Scheduler clock) {
        this.clock = clock;
    }

    /** The id of the last welcome, or null before the first. */
    String clientId() {
        return clientId;
    }

    void welcomed(Welcome welcome) {
        clientId = welcome.clientId();
        resumeToken = welcome.resumeToken();
        ttlMs = welcome.sessionTtlMs();
        lostAt = -1;
    }

    /** A welcomed connection was lost: the server keeps the session for its TTL from now. */
    void lost() {
        lostAt = clock.nowMillis();
    }

    /** The {@code hello} that opens a connection: resuming while the server still keeps the session. */
    Hello hello(long id, String token, Supplier<Map<String, Position>> positions) {
        boolean resume = resumeToken != null && (lostAt < 0 || clock.nowMillis() - lostAt < ttlMs);
        return new Hello(id, ProtocolVersion.V1, token, resume ? clientId : null, resume ? resumeToken : null,
                resume ? positions.get() : null);
    }
}
