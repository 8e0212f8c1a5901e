package io.pushwire.server.core;

import io.pushwire.protocol.CloseCode;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.Refresh;
import java.util.Objects;

/**
 * Keeps a connection's credentials current: when they expire, {@code error token_expired}, then, unless a
 * {@code refresh} for the same subject replaced them within {@code pushwire.auth.grace-ms}, close 4401.
 * One instance serves every connection; the timers it sets check, when they fire, that the credentials
 * they watch are still the session's.
 */
final class TokenExpiry {
    private final ConnectionServices services;

    TokenExpiry(ConnectionServices services) {
        this.services = services;
    }

    /** Watches {@code principal}, which {@code owner} holds on {@code connection}; never-expiring ones need nothing. */
    void watch(Connection connection, ClientSession owner, Principal principal) {
        if (principal.expiresAtMs() == Long.MAX_VALUE) {
            return;
        }
        long dueInMs = Math.max(0, principal.expiresAtMs() - services.clock().millis());
        services.scheduler().schedule(() -> {
            if (connection.isClosed() || owner.principal() != principal) {
                return;
            }
            services.counters().tokenExpired();
            long graceMs = services.config().authGraceMs();
            connection.send(ErrorFrame.of(null, ErrorCode.TOKEN_EXPIRED, "the token expired; send refresh with a new one within "
                    + graceMs + " ms or the connection closes with 4401"));
            services.scheduler().schedule(() -> {
                if (!connection.isClosed() && owner.principal() == principal) {
                    connection.close(CloseCode.UNAUTHORIZED, "token expired without refresh");
                }
            }, graceMs);
        }, dueInMs);
    }

    /** A {@code refresh}: new credentials for the same subject, which reset the watch. */
    void refresh(Connection connection, ClientSession session, Refresh refresh) {
        Principal renewed;
        try {
            renewed = services.config().authenticator().authenticate(refresh.token(), services.clock().millis());
        } catch (Authenticator.AuthenticationException e) {
            throw new ProtocolException(e.code(), e.getMessage(), refresh.id(), null);
        }
        if (!Objects.equals(renewed.subject(), session.principal().subject())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "refresh must prove the session's own subject",
                    refresh.id(), null);
        }
        session.principal(renewed);
        watch(connection, session, renewed);
    }
}
