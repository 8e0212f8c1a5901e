package io.pushwire.server.core;

import io.pushwire.protocol.CloseCode;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Hello;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.ProtocolVersion;
import io.pushwire.protocol.Welcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers a connection's {@code hello}: authenticates it, resumes the session it names (when the token
 * matches and the subject is the same) or starts a new one, and sends {@code welcome} first. One
 * instance serves every connection; it keeps no state of its own.
 */
final class HelloHandler {
    private final ConnectionServices services;
    private final TokenExpiry tokenExpiry;

    HelloHandler(ConnectionServices services, TokenExpiry tokenExpiry) {
        this.services = services;
        this.tokenExpiry = tokenExpiry;
    }

    void hello(Connection connection, Hello hello) {
        if (hello.protocol() != ProtocolVersion.V1) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "unsupported protocol version " + hello.protocol()
                    + "; this server speaks " + ProtocolVersion.V1, hello.id(), null);
        }
        // Compare-and-set: a hello that wins the race with the hello deadline keeps its connection.
        if (!connection.helloArrived()) {
            return;
        }
        Principal principal;
        try {
            principal = services.config().authenticator().authenticate(hello.token(), services.clock().millis());
        } catch (Authenticator.AuthenticationException e) {
            services.counters().unauthorized();
            connection.send(ErrorFrame.of(hello.id(), e.code(), e.getMessage()));
            connection.close(CloseCode.UNAUTHORIZED, e.getMessage());
            return;
        }
        boolean resumeAsked = hello.clientId() != null || hello.resumeToken() != null;
        // A session belongs to the subject that created it: a valid resume token with another
        // subject's credentials resumes nothing.
        Optional<ClientSession> resumable = services.sessions().find(hello.clientId(), hello.resumeToken(),
                principal.subject());
        if (resumable.isPresent()) {
            switch (resume(connection, hello, resumable.get(), principal)) {
                case RESUMED -> {
                    tokenExpiry.watch(connection, resumable.get(), principal);
                    return;
                }
                case SUPERSEDED -> {
                    connection.close(CloseCode.TAKEN_OVER, "the session is held by a connection opened after this one");
                    return;
                }
                case EXPIRED -> {
                    // Expired meanwhile: a new session, as for an unknown one.
                }
            }
        }
        if (resumeAsked) {
            services.counters().resumeFailed();
        }
        start(connection, hello, principal, resumeAsked);
    }

    /** A new session for the connection; {@code resumeAsked}: the hello asked for another one in vain. */
    private void start(Connection connection, Hello hello, Principal principal, boolean resumeAsked) {
        String[] resumeToken = new String[1];
        ClientSession fresh = services.sessions().create(connection.limiter(), token -> resumeToken[0] = token);
        fresh.principal(principal);
        fresh.attach(connection, connection.outbound());
        connection.adopt(fresh);
        connection.send(welcome(hello, fresh, resumeToken[0], false));
        services.sessions().register(fresh);
        if (connection.isClosed()) {
            // Closed while the welcome was queued; the detach may have run before the register.
            fresh.end();
            services.sessions().remove(fresh);
            return;
        }
        if (resumeAsked) {
            connection.send(ErrorFrame.of(null, ErrorCode.RESUME_FAILED, hello.clientId() == null || hello.resumeToken() == null
                    ? "resume needs both clientId and resumeToken; a new session was started"
                    : "session '" + hello.clientId() + "' is unknown, expired, or the token does not match;"
                    + " a new session was started"));
        }
        connection.lifecycle("session.started", "resumeFailed", resumeAsked ? true : null, "subject", principal.subject());
        tokenExpiry.watch(connection, fresh, principal);
    }

    /**
     * Resumes {@code existing} on the connection, with the credentials {@code principal} proved: welcome
     * with {@code resumed:true}, then every subscription restored after the client's positions. A
     * connection still holding the session is closed with 4003. Nothing happens when the session expired
     * in the meantime, or a connection opened after this one holds it.
     */
    private ClientSession.Resumption.Outcome resume(Connection connection, Hello hello, ClientSession existing,
                                                    Principal principal) {
        Map<String, Position> positions = hello.positions() == null ? Map.of() : hello.positions();
        List<String> refusals = new ArrayList<>();
        // The welcome is queued once the session is known to be resumable and before any restored
        // subscription, so that it is the first frame written.
        ClientSession.Resumption resumption = existing.resume(connection, connection.outbound(), positions,
                () -> connection.send(welcome(hello, existing, hello.resumeToken(), true)),
                (channel, refused) -> refusals.add("position for '" + channel + "' refused (" + refused.getMessage()
                        + "); restored from the head"));
        if (!resumption.resumed()) {
            return resumption.outcome();
        }
        existing.principal(principal);
        connection.adopt(existing);
        refusals.forEach(message -> connection.send(ErrorFrame.of(null, ErrorCode.BAD_REQUEST, message)));
        services.counters().sessionResumed();
        Connection replaced = resumption.replaced();
        if (replaced != null) {
            services.counters().sessionReplaced();
            replaced.close(CloseCode.TAKEN_OVER, "session resumed by a newer connection");
        }
        if (connection.isClosed()) {
            // Closed while resuming; its detach may have run before the session was ours.
            existing.detach(connection, services.clock().millis());
        }
        connection.lifecycle("session.resumed", "replacedConn", replaced == null ? null : replaced.id());
        return resumption.outcome();
    }

    private Welcome welcome(Hello hello, ClientSession session, String resumeToken, boolean resumed) {
        ServerConfig config = services.config();
        return new Welcome(hello.id(), session.clientId(), resumeToken, resumed,
                new Welcome.Heartbeat(config.heartbeatIntervalMs(), config.heartbeatTimeoutMs()),
                new Welcome.Limits(config.inboundRatePerSec(), config.inboundBurst(), config.maxFrameBytes()),
                config.sessionTtlMs());
    }
}
