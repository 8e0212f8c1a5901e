package io.pushwire.server.core;

import io.pushwire.protocol.CloseCode;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Goaway;
import io.pushwire.protocol.Hello;
import io.pushwire.protocol.Ping;
import io.pushwire.protocol.Pong;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.server.broker.BrokerUnavailableException;
import io.pushwire.protocol.Publish;
import io.pushwire.protocol.Refresh;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.Unsubscribe;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One WebSocket connection, from open to close.
 *
 * <p>Inbound text arrives on the transport's thread, one message at a time. The state moves
 * {@code AWAITING_HELLO -> OPEN -> CLOSED} and never back; whichever path gets to {@code CLOSED} first
 * (client close, reset, hello timeout, protocol error, slow consumer, server stop) runs the one detach.
 * What a frame asks for is done by the server's handlers: {@link HelloHandler}, {@link ChannelRequests},
 * {@link TokenExpiry}; liveness is judged by the connection's {@link Heartbeat}.
 */
public final class Connection {
    private static final Logger LOG = System.getLogger(Connection.class.getName());
    private static final AtomicLong IDS = new AtomicLong();
    /** What a request refused for a broker outage suggests as a wait before retrying. */
    static final long BROKER_RETRY_AFTER_MS = 1_000;
    /** A hello check that waited this long for a thread shows a server too busy to blame the client. */
    static final long SERVER_BEHIND_MS = 500;

    enum State { AWAITING_HELLO, OPEN, CLOSED }

    private final ConnectionServices services;
    private final Handlers handlers;
    private final Transport transport;
    private final Outbound outbound;
    private final Heartbeat heartbeat;
    /** The connection's own budget until hello; then the session's, which outlives the connection. */
    private volatile InboundLimiter limiter;
    private final AtomicReference<State> state = new AtomicReference<>(State.AWAITING_HELLO);
    /** Written by the inbound thread before OPEN; read after, and by the detach path. */
    private volatile ClientSession session;
    /** Inbound thread only. */
    private int rejectedFrames;
    /** A process-unique number, for logs. */
    private final long id;
    private final String remoteHost;

    /** The server's handlers of what connections ask for; shared by all of them. */
    record Handlers(HelloHandler hello, ChannelRequests requests, TokenExpiry tokens) {
    }

    Connection(ConnectionServices services, Handlers handlers, Transport transport) {
        this.services = services;
        this.handlers = handlers;
        this.transport = transport;
        this.id = IDS.incrementAndGet();
        this.remoteHost = transport.remoteHost();
        ServerConfig config = services.config();
        this.outbound = new Outbound(transport, services.writer(), services.scheduler(), services.clock(),
                services.codec(), config.outbound(), services.counters(), this::onOutboundFailure);
        this.limiter = services.newLimiter();
        this.heartbeat = new Heartbeat(config.heartbeatIntervalMs(), config.heartbeatTimeoutMs(), services.clock().millis());
        lifecycle("connection.opened");
    }

    /** Logs a lifecycle event of this connection (see {@link LifecycleLog}). */
    void lifecycle(String event, Object... keyValues) {
        LifecycleLog line = LifecycleLog.event(event);
        if (line == null) {
            return;
        }
        ClientSession current = session;
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
        ServerCounters counters = services.counters();
        counters.frameIn();
        heartbeat.inbound(services.clock().millis());
        int limit = services.config().maxFrameBytes();
        if (utf8LengthExceeds(text, limit)) {
            close(CloseCode.TOO_BIG, "frame over " + limit + " bytes");
            return;
        }
        InboundLimiter.Decision admission = limiter.admit();
        if (admission.verdict() == InboundLimiter.Verdict.ABUSIVE) {
            counters.abuseClose();
            close(CloseCode.RATE_LIMIT_ABUSE, "kept flooding after rate_limited errors");
            return;
        }
        List<Frame> frames;
        try {
            frames = services.codec().decode(text);
        } catch (ProtocolException e) {
            reject(e);
            return;
        }
        if (admission.verdict() == InboundLimiter.Verdict.RATE_LIMITED) {
            counters.rateLimited();
            ServerConfig config = services.config();
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
            } catch (BrokerUnavailableException e) {
                // Nothing was done; the same request may succeed in a moment. Not the client's fault, so it
                // does not count towards the rejected frames that close a connection.
                LOG.log(Level.WARNING, e.getMessage() + " (" + frame.getClass().getSimpleName() + " from " + describe() + ")");
                send(new ErrorFrame(requestId(frame), ErrorCode.INTERNAL, "the server's broker is unavailable; retry",
                        true, BROKER_RETRY_AFTER_MS));
                if (frame instanceof Hello) {
                    // No session could be found or made (sessions live in the broker's store): the client
                    // reconnects with its backoff and resumes, as for any overloaded server.
                    close(CloseCode.OVERLOADED, "sessions cannot be reached now; reconnect later");
                    return;
                }
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
        long timeoutMs = services.config().closeTimeoutMs();
        services.scheduler().schedule(() -> {
            if (transport.abort()) {
                lifecycle("connection.aborted", "reason", "close not completed within " + timeoutMs + " ms");
                services.counters().transportAborted();
            }
        }, timeoutMs);
    }

    State state() {
        return state.get();
    }

    boolean isClosed() {
        return state.get() == State.CLOSED;
    }

    /** {@code AWAITING_HELLO -> OPEN}; false when the connection was closed meanwhile (the hello deadline won). */
    boolean helloArrived() {
        return state.compareAndSet(State.AWAITING_HELLO, State.OPEN);
    }

    /** The session this connection now serves; its inbound budget takes over from the connection's own. */
    void adopt(ClientSession adopted) {
        session = adopted;
        limiter = adopted.limiter();
    }

    /** The inbound budget the connection counts against now. */
    InboundLimiter limiter() {
        return limiter;
    }

    Outbound outbound() {
        return outbound;
    }

    long id() {
        return id;
    }

    long queuedBytes() {
        return outbound.queuedBytes();
    }

    /** When the last heartbeat ping actually left; {@code Long.MIN_VALUE} before the first. */
    long lastPingWrittenMs() {
        return outbound.lastPingWrittenMs();
    }

    /**
     * Closes the connection if the client has not said hello by now; the hello timer calls this.
     * {@code checkWaitedMs} is how late this check itself ran after the deadline: when the server is that
     * far behind, the hello may well be sitting unread in its socket, so the close is 4002
     * (come back later) rather than the terminal 4400 that would blame the client for the server's delay.
     */
    void helloDeadlinePassed(long checkWaitedMs) {
        // Compare-and-set: a hello that wins the race keeps its connection.
        if (state.compareAndSet(State.AWAITING_HELLO, State.CLOSED)) {
            long timeoutMs = services.config().helloTimeoutMs();
            if (checkWaitedMs >= SERVER_BEHIND_MS) {
                detachAndClose(CloseCode.OVERLOADED, "server busy: no hello read within " + timeoutMs
                        + " ms while the server ran " + checkWaitedMs + " ms behind; retry later");
            } else {
                detachAndClose(CloseCode.PROTOCOL_ERROR, "no hello within " + timeoutMs + " ms");
            }
        }
    }

    /** One heartbeat check, called by the server's sweep (never concurrently for one connection). */
    void heartbeat(long now) {
        if (state.get() != State.OPEN) {
            return;
        }
        switch (heartbeat.check(now, outbound.messagesWritten(), outbound.lastPingWrittenMs())) {
            case CLOSE -> {
                services.counters().heartbeatTimeout();
                close(CloseCode.HEARTBEAT_TIMEOUT, "no frame from the client for " + heartbeat.silentFor(now) + " ms");
            }
            case PING -> {
                outbound.enqueuePing(services.codec().encode(new Ping(now)));
                services.counters().pingSent();
            }
            case NONE -> {
            }
        }
    }

    private void handle(Frame frame) {
        if (state.get() == State.AWAITING_HELLO) {
            if (!(frame instanceof Hello hello)) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "the first frame must be hello, got "
                        + FrameCodec.typeName(frame), requestId(frame), null);
            }
            handlers.hello().hello(this, hello);
            return;
        }
        switch (frame) {
            case Hello hello -> throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "hello was already received on this connection", hello.id(), null);
            case Subscribe subscribe -> handlers.requests().subscribe(session, subscribe);
            case Unsubscribe unsubscribe -> handlers.requests().unsubscribe(session, outbound, unsubscribe);
            case Publish publish -> handlers.requests().publish(session, publish);
            case Refresh refresh -> handlers.tokens().refresh(this, session, refresh);
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

    /** Answers a bad frame with an error; before hello, or after too many, also closes with 4400. */
    private void reject(ProtocolException e) {
        services.counters().protocolError();
        send(e.toFrame());
        rejectedFrames++;
        if (state.get() == State.AWAITING_HELLO) {
            close(CloseCode.PROTOCOL_ERROR, "expected hello: " + truncate(e.getMessage()));
        } else if (rejectedFrames > services.config().maxRejectedFrames()) {
            close(CloseCode.PROTOCOL_ERROR, "too many rejected frames");
        }
    }

    /** Queues a frame in the control lane. */
    void send(Frame frame) {
        outbound.enqueue(services.codec().encode(frame));
    }

    private void onOutboundFailure(Outbound.Failure failure) {
        if (failure == Outbound.Failure.OVERFLOW) {
            services.counters().slowConsumerClose();
            // This runs on a publisher's thread, inside a delivery's lock: leaving the other channels and
            // the blocking transport close must happen elsewhere, or two publishers can deadlock.
            boolean first = state.getAndSet(State.CLOSED) != State.CLOSED;
            services.writer().execute(() -> {
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
            onTransportClosed(CloseCode.ABNORMAL_CLOSURE, "write failed");
            transport.close(CloseCode.GOING_AWAY, "write failed");
        }
    }

    /** The one detach: the session (if any) is kept for a resume, without this connection; {@code code} ended it. */
    private void detach(int code) {
        ClientSession current = session;
        if (current != null) {
            current.detach(this, services.clock().millis());
        }
        services.connections().remove(this, code);
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
        ClientSession current = session;
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
