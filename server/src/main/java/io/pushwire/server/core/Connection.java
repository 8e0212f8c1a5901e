package io.pushwire.server.core;

import io.pushwire.protocol.Channels;
import io.pushwire.protocol.CloseCode;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Goaway;
import io.pushwire.protocol.Hello;
import io.pushwire.protocol.Ping;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.Pong;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.ProtocolVersion;
import io.pushwire.protocol.Publish;
import io.pushwire.protocol.Refresh;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.SubscriptionMode;
import io.pushwire.protocol.Unsubscribe;
import io.pushwire.protocol.Unsubscribed;
import io.pushwire.protocol.Welcome;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One WebSocket connection, from open to close.
 *
 * <p>Inbound text arrives on the transport's thread, one message at a time. The state moves
 * {@code AWAITING_HELLO -> OPEN -> CLOSED} and never back; whichever path gets to {@code CLOSED} first
 * (client close, reset, hello timeout, protocol error, slow consumer, server stop) runs the one detach.
 */
public final class Connection {
    private static final Logger LOG = System.getLogger(Connection.class.getName());
    private static final AtomicLong IDS = new AtomicLong();

    enum State { AWAITING_HELLO, OPEN, CLOSED }

    /** Longest {@code intervalMs} of a conflated subscription: a minute between updates is already sparse. */
    static final long MAX_CONFLATION_INTERVAL_MS = 60_000;

    private final PushServer server;
    private final Transport transport;
    private final Outbound outbound;
    /** The connection's own budget until hello; then the session's, which outlives the connection. */
    private volatile InboundLimiter limiter;
    private final AtomicReference<State> state = new AtomicReference<>(State.AWAITING_HELLO);
    /** Written by the inbound thread before OPEN; read after, and by the detach path. */
    private volatile Session session;
    /** Inbound thread only. */
    private int rejectedFrames;
    /** When the client last sent anything; any frame counts as liveness. */
    private volatile long lastInboundMs;
    /** Heartbeat sweep only: what the sweep saw last, to tell an idle connection from a busy one. */
    private long writesAtLastSweep = -1;
    private long lastOutboundActivityMs;
    private long lastPingMs = Long.MIN_VALUE;
    /** A process-unique number, for logs. */
    private final long id;
    private final String remoteHost;

    Connection(PushServer server, Transport transport) {
        this.server = server;
        this.transport = transport;
        this.id = IDS.incrementAndGet();
        this.remoteHost = transport.remoteHost();
        this.outbound = new Outbound(transport, server.writer(), server.scheduler(), server.clock(), server.codec(),
                server.config().outbound(), server.counters(), this::onOutboundFailure);
        ServerConfig config = server.config();
        this.limiter = new InboundLimiter(config.inboundRatePerSec(), config.inboundBurst(), config.abuseFactor(),
                server.timeMeter());
        this.lastInboundMs = server.clock().millis();
        this.lastOutboundActivityMs = lastInboundMs;
        lifecycle("connection.opened");
    }

    /** Logs a lifecycle event of this connection (see {@link LifecycleLog}). */
    private void lifecycle(String event, Object... keyValues) {
        LifecycleLog line = LifecycleLog.event(event);
        if (line == null) {
            return;
        }
        Session current = session;
        line.with("conn", id).with("clientId", current == null ? null : current.clientId())
                .with("remote", transport.remoteAddress());
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            line.with((String) keyValues[i], keyValues[i + 1]);
        }
        line.log();
    }

    /** Handles one inbound text message: a frame or a batch of frames. */
    public void onText(String text) {
        if (state.get() == State.CLOSED) {
            return;
        }
        server.counters().frameIn();
        lastInboundMs = server.clock().millis();
        int limit = server.config().maxFrameBytes();
        if (utf8LengthExceeds(text, limit)) {
            close(CloseCode.TOO_BIG, "frame over " + limit + " bytes");
            return;
        }
        InboundLimiter.Decision admission = limiter.admit();
        if (admission.verdict() == InboundLimiter.Verdict.ABUSIVE) {
            server.counters().abuseClose();
            close(CloseCode.RATE_LIMIT_ABUSE, "kept flooding after rate_limited errors");
            return;
        }
        List<Frame> frames;
        try {
            frames = server.codec().decode(text);
        } catch (ProtocolException e) {
            reject(e);
            return;
        }
        if (admission.verdict() == InboundLimiter.Verdict.RATE_LIMITED) {
            server.counters().rateLimited();
            ServerConfig config = server.config();
            send(new ErrorFrame(frames.size() == 1 ? requestId(frames.get(0)) : null, ErrorCode.RATE_LIMITED,
                    "over " + config.inboundRatePerSec() + " frames/s (burst " + config.inboundBurst()
                    + "): frame dropped", true, admission.retryAfterMs()));
            return;
        }
        for (Frame frame : frames) {
            if (state.get() == State.CLOSED) {
                return;
            }
            try {
                handle(frame);
            } catch (ProtocolException e) {
                reject(e);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "internal error handling " + frame.getClass().getSimpleName() + " from "
                        + describe(), e);
                send(new ErrorFrame(requestId(frame), ErrorCode.INTERNAL, "internal server error", true, null));
            }
        }
    }

    /** Handles a binary message, which protocol v1 does not use. */
    public void onBinary() {
        reject(new ProtocolException(ErrorCode.BAD_REQUEST,
                "binary messages are not part of protocol v1: send UTF-8 JSON text", null, null));
    }

    /** The transport is gone (close frame, reset, or error). Idempotent. */
    public void onTransportClosed(int code, String reason) {
        if (state.getAndSet(State.CLOSED) != State.CLOSED) {
            lifecycle("connection.closed", "code", code, "by", "peer", "reason", reason);
            detach(code);
        }
    }

    /** Closes from the server side: queued frames are written first, then the close frame. */
    public void close(int code, String reason) {
        if (state.getAndSet(State.CLOSED) != State.CLOSED) {
            detachAndClose(code, reason);
        }
    }

    private void detachAndClose(int code, String reason) {
        lifecycle("connection.closed", "code", code, "by", "server", "reason", reason);
        detach(code);
        outbound.closeAfterFlush(code, reason);
        abortIfStillOpenLater();
    }

    /**
     * A close frame waits behind whatever is queued, and a peer that stopped reading never lets it out,
     * or never answers it: its socket would stay open forever (a ghost connection). Whatever is still
     * open when the close timeout is over is dropped without the handshake.
     */
    private void abortIfStillOpenLater() {
        server.scheduler().schedule(() -> {
            if (transport.abort()) {
                lifecycle("connection.aborted", "reason", "close not completed within "
                        + server.config().closeTimeoutMs() + " ms");
                server.counters().transportAborted();
            }
        }, server.config().closeTimeoutMs());
    }

    State state() {
        return state.get();
    }

    long queuedBytes() {
        return outbound.queuedBytes();
    }

    /** When the last heartbeat ping actually left; {@code Long.MIN_VALUE} before the first. */
    long lastPingWrittenMs() {
        return outbound.lastPingWrittenMs();
    }

    /** Closes with 4400 if the client has not said hello by now; the hello timer calls this. */
    void helloDeadlinePassed() {
        // Compare-and-set: a hello that wins the race keeps its connection.
        if (state.compareAndSet(State.AWAITING_HELLO, State.CLOSED)) {
            detachAndClose(CloseCode.PROTOCOL_ERROR, "no hello within " + server.config().helloTimeoutMs() + " ms");
        }
    }

    /**
     * One heartbeat check, called by the server's sweep (never concurrently for one connection). Closes
     * with 4000 a client silent for interval + timeout whose ping reached the wire at least a timeout
     * ago; pings a client silent for an interval, and a connection the server wrote nothing to for an
     * interval.
     */
    void heartbeat(long now) {
        if (state.get() != State.OPEN) {
            return;
        }
        ServerConfig config = server.config();
        long silentFor = now - lastInboundMs;
        long deadAfter = config.heartbeatIntervalMs() + config.heartbeatTimeoutMs();
        if (silentFor > deadAfter && clientHadItsChance(now, silentFor, deadAfter)) {
            server.counters().heartbeatTimeout();
            close(CloseCode.HEARTBEAT_TIMEOUT, "no frame from the client for " + silentFor + " ms");
            return;
        }
        long writes = outbound.messagesWritten();
        if (writes != writesAtLastSweep) {
            writesAtLastSweep = writes;
            lastOutboundActivityMs = now;
        }
        // A client that only receives never has a reason to write: ask it once per silence, even while
        // events flow, or a healthy subscriber would be closed. An idle connection is pinged as well, so
        // that the client and every proxy between see traffic.
        boolean clientQuiet = silentFor >= config.heartbeatIntervalMs() && lastPingMs <= lastInboundMs;
        boolean serverQuiet = now - lastOutboundActivityMs >= config.heartbeatIntervalMs();
        if (clientQuiet || serverQuiet) {
            outbound.enqueuePing(server.codec().encode(new Ping(now)));
            server.counters().pingSent();
            lastPingMs = now;
            lastOutboundActivityMs = now;
        }
    }

    /**
     * Whether a silent client could have answered: our ping went out at least a timeout ago. Behind an
     * outbound backlog (an overloaded server, a slow network) the ping leaves late, and closing a client
     * for not answering what it never received would only add a reconnect to the overload. A client
     * silent three times as long is closed regardless: the backlog itself is then the problem.
     */
    private boolean clientHadItsChance(long now, long silentFor, long deadAfter) {
        long pingWritten = outbound.lastPingWrittenMs();
        boolean pingOut = lastPingMs != Long.MIN_VALUE && pingWritten >= lastPingMs;
        return (pingOut && now - pingWritten >= server.config().heartbeatTimeoutMs()) || silentFor > 3 * deadAfter;
    }

    private void handle(Frame frame) {
        if (state.get() == State.AWAITING_HELLO) {
            if (!(frame instanceof Hello hello)) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "the first frame must be hello, got "
                        + FrameCodec.typeName(frame), requestId(frame), null);
            }
            onHello(hello);
            return;
        }
        switch (frame) {
            case Hello hello -> throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "hello was already received on this connection", hello.id(), null);
            case Subscribe subscribe -> onSubscribe(subscribe);
            case Unsubscribe unsubscribe -> {
                String reply = server.codec().encode(new Unsubscribed(unsubscribe.id(), unsubscribe.channel()));
                // In the channel's lane, behind its queued events: nothing of it follows the reply.
                session.unsubscribe(unsubscribe.channel()).ifPresentOrElse(
                        stream -> outbound.enqueueChannelFrame(stream, reply, -1),
                        () -> outbound.enqueue(reply));
            }
            case Publish publish -> onPublish(publish);
            case Refresh refresh -> onRefresh(refresh);
            case Ping ping -> send(new Pong(ping.ts()));
            case Pong pong -> {
                // Any inbound frame is liveness; a pong needs nothing more.
            }
            default -> throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "'" + FrameCodec.typeName(frame) + "' is a server frame; clients may not send it", requestId(frame), null);
        }
    }

    /** Tells an open connection to reconnect after {@code reconnectAfterMs}; returns whether it was open. */
    boolean goaway(String reason, long reconnectAfterMs) {
        if (state.get() != State.OPEN) {
            return false;
        }
        send(new Goaway(reason, reconnectAfterMs));
        return true;
    }

    private void onHello(Hello hello) {
        if (hello.protocol() != ProtocolVersion.V1) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "unsupported protocol version " + hello.protocol()
                    + "; this server speaks " + ProtocolVersion.V1, hello.id(), null);
        }
        // Compare-and-set: a hello that wins the race with the hello deadline keeps its connection.
        if (!state.compareAndSet(State.AWAITING_HELLO, State.OPEN)) {
            return;
        }
        Principal principal;
        try {
            principal = server.config().authenticator().authenticate(hello.token(), server.clock().millis());
        } catch (Authenticator.AuthenticationException e) {
            server.counters().unauthorized();
            send(ErrorFrame.of(hello.id(), e.code(), e.getMessage()));
            close(CloseCode.UNAUTHORIZED, e.getMessage());
            return;
        }
        boolean resumeAsked = hello.clientId() != null || hello.resumeToken() != null;
        // A session belongs to the subject that created it: a valid resume token with another
        // subject's credentials resumes nothing.
        Optional<Session> resumable = server.sessions().find(hello.clientId(), hello.resumeToken())
                .filter(existing -> Objects.equals(existing.principal().subject(), principal.subject()));
        if (resumable.isPresent()) {
            resumable.get().principal(principal);
            if (resume(hello, resumable.get())) {
                watchExpiry(resumable.get(), principal);
                return;
            }
        }
        if (resumeAsked) {
            server.counters().resumeFailed();
        }
        Session fresh = server.sessions().create(limiter);
        fresh.principal(principal);
        fresh.attach(this, outbound);
        session = fresh;
        limiter = fresh.limiter();
        send(welcome(hello, fresh, false));
        server.sessions().register(fresh);
        if (state.get() == State.CLOSED) {
            // Closed while the welcome was queued; the detach may have run before the register.
            fresh.end();
            server.sessions().remove(fresh);
            return;
        }
        if (resumeAsked) {
            send(ErrorFrame.of(null, ErrorCode.RESUME_FAILED, hello.clientId() == null || hello.resumeToken() == null
                    ? "resume needs both clientId and resumeToken; a new session was started"
                    : "session '" + hello.clientId() + "' is unknown, expired, or the token does not match;"
                    + " a new session was started"));
        }
        lifecycle("session.started", "resumeFailed", resumeAsked ? true : null, "subject", principal.subject());
        watchExpiry(fresh, principal);
    }

    /**
     * When the credentials expire: {@code error token_expired}, then, unless a {@code refresh} replaced
     * them within {@code pushwire.auth.grace-ms}, close 4401.
     */
    private void watchExpiry(Session owner, Principal principal) {
        if (principal.expiresAtMs() == Long.MAX_VALUE) {
            return;
        }
        long dueInMs = Math.max(0, principal.expiresAtMs() - server.clock().millis());
        server.scheduler().schedule(() -> {
            if (state.get() == State.CLOSED || owner.principal() != principal) {
                return;
            }
            server.counters().tokenExpired();
            long graceMs = server.config().authGraceMs();
            send(ErrorFrame.of(null, ErrorCode.TOKEN_EXPIRED, "the token expired; send refresh with a new one within "
                    + graceMs + " ms or the connection closes with 4401"));
            server.scheduler().schedule(() -> {
                if (state.get() != State.CLOSED && owner.principal() == principal) {
                    close(CloseCode.UNAUTHORIZED, "token expired without refresh");
                }
            }, graceMs);
        }, dueInMs);
    }

    /** A {@code refresh}: new credentials for the same subject, which reset the expiry watch. */
    private void onRefresh(Refresh refresh) {
        Principal renewed;
        try {
            renewed = server.config().authenticator().authenticate(refresh.token(), server.clock().millis());
        } catch (Authenticator.AuthenticationException e) {
            throw new ProtocolException(e.code(), e.getMessage(), refresh.id(), null);
        }
        if (!Objects.equals(renewed.subject(), session.principal().subject())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "refresh must prove the session's own subject",
                    refresh.id(), null);
        }
        session.principal(renewed);
        watchExpiry(session, renewed);
    }

    /**
     * Resumes {@code existing} on this connection: welcome with {@code resumed:true}, then every
     * subscription restored after the client's positions. A connection still holding the session is
     * closed with 4003. Returns false when the session expired in the meantime.
     */
    private boolean resume(Hello hello, Session existing) {
        Map<String, Position> positions = hello.positions() == null ? Map.of() : hello.positions();
        List<String> refusals = new java.util.ArrayList<>();
        // The welcome is queued once the session is known to be resumable and before any restored
        // subscription, so that it is the first frame written.
        Session.Resumption resumption = existing.resume(this, outbound, positions,
                () -> send(welcome(hello, existing, true)),
                (channel, refused) -> refusals.add("position for '" + channel + "' refused (" + refused.getMessage()
                        + "); restored from the head"));
        if (!resumption.resumed()) {
            return false;
        }
        session = existing;
        limiter = existing.limiter();
        refusals.forEach(message -> send(ErrorFrame.of(null, ErrorCode.BAD_REQUEST, message)));
        server.counters().sessionResumed();
        if (resumption.replaced() != null) {
            server.counters().sessionReplaced();
            resumption.replaced().close(CloseCode.TAKEN_OVER, "session resumed by a newer connection");
        }
        if (state.get() == State.CLOSED) {
            // Closed while resuming; its detach may have run before the session was ours.
            existing.detach(this, server.clock().millis());
        }
        lifecycle("session.resumed", "replacedConn", resumption.replaced() == null ? null : resumption.replaced().id);
        return true;
    }

    private Welcome welcome(Hello hello, Session session, boolean resumed) {
        ServerConfig config = server.config();
        return new Welcome(hello.id(), session.clientId(), session.resumeToken(), resumed,
                new Welcome.Heartbeat(config.heartbeatIntervalMs(), config.heartbeatTimeoutMs()),
                new Welcome.Limits(config.inboundRatePerSec(), config.inboundBurst(), config.maxFrameBytes()),
                config.sessionTtlMs());
    }

    /** A client publish, where its permissions allow; the protocol defines no reply. */
    private void onPublish(Publish publish) {
        Principal principal = session.principal();
        if (!principal.mayPublish(publish.channel())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, principal.subject() == null
                    ? "anonymous sessions are read-only: channel '" + publish.channel() + "' does not accept publish"
                    : "'" + principal.subject() + "' may not publish on '" + publish.channel() + "'", publish.id(), null);
        }
        try {
            server.hub().publishExternal(publish.channel(), publish.data());
        } catch (ProtocolException refused) {
            throw refused.withRequestId(publish.id());
        }
    }

    private void onSubscribe(Subscribe subscribe) {
        String name = subscribe.channel();
        if (name.startsWith("$") && !Channels.ME.equals(name)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "channels starting with '$' are private to their session;"
                    + " yours is " + Channels.ME, subscribe.id(), null);
        }
        if (subscribe.intervalMs() != null) {
            if (subscribe.effectiveMode() != SubscriptionMode.CONFLATE) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "intervalMs applies to mode 'conflate' only",
                        subscribe.id(), null);
            }
            if (subscribe.intervalMs() > MAX_CONFLATION_INTERVAL_MS) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "intervalMs " + subscribe.intervalMs()
                        + " is over the limit of " + MAX_CONFLATION_INTERVAL_MS, subscribe.id(), null);
            }
        }
        Principal principal = session.principal();
        if (!principal.maySubscribe(name)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "'" + principal.subject() + "' may not subscribe to '"
                    + name + "'", subscribe.id(), null);
        }
        int limit = server.config().maxSubscriptions();
        if (!session.isSubscribed(name) && session.subscriptionCount() >= limit) {
            server.counters().limitExceeded();
            throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "this session has " + session.subscriptionCount()
                    + " subscriptions, the limit (pushwire.limits.max-subscriptions) is " + limit
                    + "; unsubscribe from one first", subscribe.id(), null);
        }
        if (Channels.ME.equals(name)) {
            Channel me = session.me();
            // A private inbox: without since, everything it still holds is yours, not only what comes next.
            session.subscribe(me, subscribe.since() != null ? subscribe : new Subscribe(subscribe.id(), name,
                    new Position(0, me.epoch()), subscribe.mode(), subscribe.intervalMs(), subscribe.snapshot()));
            return;
        }
        boolean known;
        try {
            known = server.hub().subscribe(name, channel -> session.subscribe(channel, subscribe));
        } catch (ProtocolException refused) {
            throw refused.withRequestId(subscribe.id());
        }
        if (!known) {
            throw new ProtocolException(ErrorCode.UNKNOWN_CHANNEL, "no channel '" + name + "' in namespace '"
                    + Hub.namespaceOf(name) + "'", subscribe.id(), null);
        }
    }

    /** Answers a bad frame with an error; before hello, or after too many, also closes with 4400. */
    private void reject(ProtocolException e) {
        server.counters().protocolError();
        send(e.toFrame());
        rejectedFrames++;
        if (state.get() == State.AWAITING_HELLO) {
            close(CloseCode.PROTOCOL_ERROR, "expected hello: " + truncate(e.getMessage()));
        } else if (rejectedFrames > server.config().maxRejectedFrames()) {
            close(CloseCode.PROTOCOL_ERROR, "too many rejected frames");
        }
    }

    private void send(Frame frame) {
        outbound.enqueue(server.codec().encode(frame));
    }

    private void onOutboundFailure(Outbound.Failure failure) {
        if (failure == Outbound.Failure.OVERFLOW) {
            server.counters().slowConsumerClose();
            // This runs on a publisher's thread, inside a channel lock: leaving the other channels and
            // the blocking transport close must happen elsewhere, or two publishers can deadlock.
            boolean first = state.getAndSet(State.CLOSED) != State.CLOSED;
            server.writer().execute(() -> {
                if (first) {
                    lifecycle("connection.closed", "code", CloseCode.SLOW_CONSUMER, "by", "server",
                            "reason", "outbound queue over budget");
                    detach(CloseCode.SLOW_CONSUMER);
                }
                abortIfStillOpenLater();
                transport.close(CloseCode.SLOW_CONSUMER, "outbound queue over budget");
            });
        } else {
            // The transport broke mid-write; its own close callback may never come.
            onTransportClosed(1006, "write failed");
            transport.close(CloseCode.GOING_AWAY, "write failed");
        }
    }

    /** The one detach: the session (if any) is kept for a resume, without this connection; {@code code} ended it. */
    private void detach(int code) {
        Session current = session;
        if (current != null) {
            current.detach(this, server.clock().millis());
        }
        server.connectionClosed(this, code);
    }

    /** The peer's address, as the transport knows it. */
    String remoteAddress() {
        return transport.remoteAddress();
    }

    /** The peer's host, fixed at open: what the per-address connection limit counts. */
    String remoteHost() {
        return remoteHost;
    }

    private String describe() {
        Session current = session;
        return "remote=" + transport.remoteAddress() + " clientId=" + (current == null ? "-" : current.clientId());
    }

    private static Long requestId(Frame frame) {
        return frame instanceof Frame.Request request ? request.id() : null;
    }

    private static String truncate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    static boolean utf8LengthExceeds(String text, int limit) {
        if (text.length() > limit) {
            return true;
        }
        if ((long) text.length() * 3 <= limit) {
            return false;
        }
        return text.getBytes(StandardCharsets.UTF_8).length > limit;
    }
}
