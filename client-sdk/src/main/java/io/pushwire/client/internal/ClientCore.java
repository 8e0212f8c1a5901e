package io.pushwire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.client.ClientState;
import io.pushwire.client.ClientStats;
import io.pushwire.client.EventHandler;
import io.pushwire.client.PushClientException;
import io.pushwire.client.PushListener;
import io.pushwire.protocol.Backoff;
import io.pushwire.protocol.Channels;
import io.pushwire.protocol.CloseCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.Goaway;
import io.pushwire.protocol.Ping;
import io.pushwire.protocol.Pong;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.ProtocolVersion;
import io.pushwire.protocol.Status;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.Unsubscribed;
import io.pushwire.protocol.Welcome;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The client's state machine: the {@link ClientState}s and the flow between them (connect, reconnect and
 * resume, stop, close). Every public call, transport callback and timer hops onto one event thread, which
 * alone reads and writes the fields below: no locks, and callbacks see a consistent state.
 *
 * <p><b>Generations.</b> {@link #generation} grows when an attempt starts and when a connection ends.
 * Transport callbacks and timers capture the generation they were made for and are dropped on the event
 * thread when it is no longer current, so a late close, message or timer of a replaced connection can
 * never disturb the current one, and there is never more than one live connection. The parts below get
 * their timers and callbacks through {@link CurrentConnection}, behind the same check.
 *
 * <p><b>Parts.</b> Subscriptions and their positions ({@link SubscriptionTable}), publishes waiting for a
 * connection ({@link PublishBuffer}), the token ({@link TokenRefresher}), the deadlines a connection must
 * meet ({@link ConnectionDeadlines}) and error replies ({@link ErrorReplies}) have classes of their own.
 */
public final class ClientCore {
    private static final Logger LOG = System.getLogger(ClientCore.class.getName());

    private final ClientConfig config;
    private final PushListener listener;
    private final FrameCodec codec;
    private final EventThread loop;
    private final Scheduler scheduler;
    private final ReconnectPlanner planner;
    private final ClientCounters counters;
    private final FrameSender sender;
    private final TokenRefresher tokens;
    private final PublishBuffer publishes;
    private final SubscriptionTable subscriptions;
    private final ConnectionDeadlines deadlines;
    private final ErrorReplies errorReplies;
    private final ResumableSession session;

    // Event-thread state.
    private ClientState state = ClientState.DISCONNECTED;
    private long generation;
    private boolean welcomed;
    /** Completes at the next welcome; fails when the client stops or closes. */
    private CompletableFuture<Void> connecting;
    private Scheduler.Cancellable reconnectTimer;
    /** Fires when the current connection has been up {@code stableConnectionAfter}; null when none is due. */
    private Scheduler.Cancellable stableTimer;

    /** {@link #state} for readers on any thread (state(), stats(), publish); written with it. */
    private volatile ClientState publicState = ClientState.DISCONNECTED;

    /** The current connection as the parts see it; what they schedule passes the generation check. */
    private final CurrentConnection currentConnection = new CurrentConnection() {
        @Override
        public boolean isConnected() {
            return state == ClientState.CONNECTED;
        }

        @Override
        public Scheduler.Cancellable schedule(long delayMs, Runnable task) {
            Runnable guarded = ifCurrent(task);
            return scheduler.schedule(() -> loop.execute(guarded), delayMs);
        }

        @Override
        public void runSoon(Runnable task) {
            loop.execute(ifCurrent(task));
        }

        @Override
        public <T> void whenComplete(CompletableFuture<T> future, BiConsumer<? super T, ? super Throwable> callback) {
            long gen = generation;
            future.whenComplete((value, error) -> loop.execute(() -> {
                if (gen == generation) {
                    callback.accept(value, error);
                }
            }));
        }
    };

    public ClientCore(ClientConfig config, FrameCodec codec) {
        this.config = config;
        this.listener = new SafeListener(config.listener());
        this.codec = codec;
        this.loop = new EventThread();
        this.scheduler = config.scheduler() != null ? config.scheduler() : loop.scheduler();
        this.counters = new ClientCounters(scheduler);
        this.session = new ResumableSession(scheduler);
        this.sender = new FrameSender(codec);
        this.publishes = new PublishBuffer(config.publishBufferSize(), sender, currentConnection, loop, scheduler);
        this.subscriptions = new SubscriptionTable(sender, currentConnection, listener, counters, this::notifyError);
        Backoff backoff = new Backoff(config.initialDelay().toMillis(), config.maxDelay().toMillis(),
                config.multiplier(), config.random());
        this.planner = new ReconnectPlanner(backoff, config.maxReconnectAttempts(), config.stableAfter().toMillis(),
                config.tokenSupplier() != null, scheduler::nowMillis);
        this.tokens = new TokenRefresher(config, loop.name(), scheduler, currentConnection, sender, this::notifyError);
        this.errorReplies = new ErrorReplies(scheduler, planner, subscriptions, sender, publishes, tokens,
                this::notifyError);
        this.deadlines = new ConnectionDeadlines(config.connectTimeout().toMillis(), scheduler, counters,
                currentConnection, sender, (code, reason) -> connectionLost(code, reason, null));
    }

    public ClientState state() {
        return publicState;
    }

    public String clientId() {
        return session.clientId();
    }

    public CompletableFuture<Void> connect() {
        return loop.call(() -> switch (state) {
            case CLOSED -> CompletableFuture.<Void>failedFuture(Failures.closed());
            case CONNECTED -> CompletableFuture.<Void>completedFuture(null);
            case CONNECTING -> connecting;
            case DISCONNECTED -> {
                planner.reset();
                counters.connectRequested();
                connecting = new CompletableFuture<>();
                changeState(ClientState.CONNECTING);
                startAttempt(false);
                yield connecting;
            }
        }).thenCompose(future -> future);
    }

    public CompletableFuture<Subscribed> subscribe(String channel, EventHandler handler) {
        requireValidChannel(channel);
        return loop.call(() -> {
            if (state == ClientState.CLOSED) {
                return CompletableFuture.<Subscribed>failedFuture(Failures.closed());
            }
            return subscriptions.subscribe(channel, handler);
        }).thenCompose(future -> future);
    }

    public CompletableFuture<Void> unsubscribe(String channel) {
        requireValidChannel(channel);
        return loop.call(() -> subscriptions.unsubscribe(channel)).thenCompose(future -> future);
    }

    /**
     * Queues a publish. Throws {@link io.pushwire.client.PublishBufferFullException} at once when the buffer is full.
     * The future completes when the frame was written to a connection.
     */
    public CompletableFuture<Void> publish(String channel, JsonNode data) {
        requireValidChannel(channel);
        if (publicState == ClientState.CLOSED) {
            return CompletableFuture.failedFuture(Failures.closed());
        }
        return publishes.publish(channel, data);
    }

    public ClientStats stats() {
        return counters.snapshot(publicState, publishes.unsent());
    }

    /** Closes for good; waits up to a second for the event thread unless called from it. */
    public void close() {
        CompletableFuture<Void> done = loop.call(() -> {
            if (state != ClientState.CLOSED) {
                sender.close(CloseCode.NORMAL, "client closed");
                endConnection();
                if (reconnectTimer != null) {
                    reconnectTimer.cancel();
                }
                counters.closed();
                PushClientException closed = Failures.closed();
                failWaiting(closed);
                publishes.close();
                subscriptions.failUnsubscribes(closed);
                changeState(ClientState.CLOSED);
            }
            return null;
        });
        loop.shutdown();
        tokens.shutdown();
        loop.awaitTermination(done);
    }

    private void startAttempt(boolean automatic) {
        long gen = ++generation;
        counters.attemptStarted(automatic);
        welcomed = false;
        deadlines.attemptStarted();
        tokens.fetch(() -> open(gen), failure ->
                connectionLost(1006, "no token: " + Failures.describe(failure.getCause()), failure));
    }

    private void open(long gen) {
        CompletableFuture<Transport> opening;
        try {
            opening = config.transports().open(config.uri(), List.of(ProtocolVersion.SUBPROTOCOL),
                    config.connectTimeout(), listenerFor(gen));
        } catch (RuntimeException e) {
            opening = CompletableFuture.failedFuture(e);
        }
        opening.whenComplete((opened, error) -> {
            if (!loop.execute(() -> onOpened(gen, opened, error)) && opened != null) {
                opened.abort();
            }
        });
    }

    private void onOpened(long gen, Transport opened, Throwable error) {
        if (gen != generation) {
            if (opened != null) {
                opened.abort();
            }
            return;
        }
        if (error != null) {
            Throwable root = Failures.unwrap(error);
            if (root instanceof HandshakeRejectedException rejected && rejected.retryAfterMs() >= 0) {
                planner.retryAfter(rejected.retryAfterMs()); // the handshake response's Retry-After
            }
            connectionLost(1006, "connect failed: " + Failures.describe(error), root);
            return;
        }
        sender.attach(opened, failed -> loop.execute(() -> {
            if (gen == generation) {
                opened.abort(); // the JDK socket is unusable after a failed write
                connectionLost(1006, "send failed: " + Failures.describe(failed), Failures.unwrap(failed));
            }
        }));
        sender.sendRequest(id -> session.hello(id, tokens.current(), subscriptions::positions));
    }

    private TransportListener listenerFor(long gen) {
        return new TransportListener() {
            @Override
            public CompletableFuture<?> onText(String message) {
                return loop.run(() -> {
                    if (gen == generation) {
                        onMessage(gen, message);
                    }
                });
            }

            @Override
            public void onClosed(int code, String reason) {
                loop.execute(() -> {
                    if (gen == generation) {
                        connectionLost(code, reason, null);
                    }
                });
            }
        };
    }

    private void onMessage(long gen, String message) {
        counters.messageArrived();
        List<Frame> frames;
        try {
            frames = codec.decode(message);
        } catch (ProtocolException e) {
            notifyError(new PushClientException("undecodable server message: " + e.getMessage(), null, 0, e));
            return;
        }
        for (Frame frame : frames) {
            if (gen != generation) {
                return; // the connection ended while handling this message
            }
            dispatch(frame);
        }
        // Time spent in handlers is not silence: the socket is not read meanwhile.
        counters.messageArrived();
    }

    private void dispatch(Frame frame) {
        if (frame instanceof Event) {
            subscriptions.onEvent((Event) frame);
        } else if (frame instanceof Welcome) {
            onWelcome((Welcome) frame);
        } else if (frame instanceof Subscribed) {
            subscriptions.onSubscribed((Subscribed) frame);
        } else if (frame instanceof Unsubscribed) {
            subscriptions.onUnsubscribed((Unsubscribed) frame);
        } else if (frame instanceof Gap) {
            subscriptions.onGap((Gap) frame);
        } else if (frame instanceof Status) {
            listener.onStatus((Status) frame);
        } else if (frame instanceof ErrorFrame) {
            errorReplies.onError((ErrorFrame) frame);
        } else if (frame instanceof Ping) {
            sender.send(new Pong(((Ping) frame).ts()));
        } else if (frame instanceof Goaway) {
            onGoaway((Goaway) frame);
        } else if (!(frame instanceof Pong)) {
            notifyError(new PushClientException("unexpected '" + FrameCodec.typeName(frame) + "' from server",
                    null, 0, null));
        }
    }

    private void onWelcome(Welcome welcome) {
        if (state != ClientState.CONNECTING || welcomed) {
            notifyError(new PushClientException("unexpected welcome in state " + state, null, 0, null));
            return;
        }
        welcomed = true;
        deadlines.welcomed();
        counters.welcomed(welcome.resumed());
        session.welcomed(welcome);
        sender.limits(welcome.limits());
        stableTimer = currentConnection.schedule(planner.connected(), this::onStable);
        changeState(ClientState.CONNECTED);
        listener.onConnected(welcome);
        if (connecting != null) {
            connecting.complete(null);
        }
        deadlines.watchHeartbeat(welcome.heartbeat());
        tokens.connected();
        subscriptions.restore(welcome.resumed());
        publishes.flush();
    }

    /**
     * The connection has stayed up {@code stableConnectionAfter}: reconnect attempts count from 0 again,
     * for the backoff and in {@link ClientStats#reconnectAttempt()}, while the connection lasts.
     */
    private void onStable() {
        stableTimer = null;
        if (planner.settleIfStable()) {
            counters.stable();
        }
    }

    private void onGoaway(Goaway goaway) {
        long delay = planner.goaway(goaway.reconnectAfterMs());
        LOG.log(Level.INFO, "server draining ({0}): reconnecting within {1} ms", goaway.reason(), delay);
        deadlines.goaway(delay, goaway.reason());
    }

    private void connectionLost(int code, String reason, Throwable cause) {
        boolean wasConnected = welcomed;
        counters.lost(wasConnected);
        if (wasConnected) {
            session.lost();
        }
        endConnection();
        subscriptions.completeUnsubscribes();
        PushClientException lost = new PushClientException("connection closed: " + code + " " + reason, null, code, cause);
        counters.error(lost);

        ReconnectPlanner.Plan plan = planner.lost(code);
        if (plan.reconnect()) {
            counters.reconnectScheduled(plan.attempt());
            if (connecting == null || connecting.isDone()) {
                connecting = new CompletableFuture<>();
            }
            changeState(ClientState.CONNECTING);
            listener.onDisconnected(code, reason);
            reconnectTimer = currentConnection.schedule(plan.delayMillis(), () -> {
                if (state == ClientState.CONNECTING) {
                    startAttempt(true);
                }
            });
            listener.onReconnecting(plan.attempt(), Duration.ofMillis(plan.delayMillis()));
        } else {
            PushClientException stopped = new PushClientException("stopped reconnecting: " + plan.stopReason()
                    + " (last close " + code + " " + reason + ")", null, code, cause);
            counters.error(stopped);
            changeState(ClientState.DISCONNECTED);
            listener.onDisconnected(code, reason);
            failWaiting(stopped);
            listener.onStopped(stopped);
        }
    }

    /** Fails what waits for a connection that will not come: connect, unconfirmed subscribes, buffered publishes. */
    private void failWaiting(PushClientException cause) {
        if (connecting != null) {
            connecting.completeExceptionally(cause);
        }
        subscriptions.failWaiting(cause);
        publishes.failAll(cause);
    }

    /**
     * Ends the current connection, or attempt: from now on its late callbacks and timers are dropped (the
     * generation moves on), and every part forgets what belonged to it.
     */
    private void endConnection() {
        generation++;
        if (stableTimer != null) {
            stableTimer.cancel();
            stableTimer = null;
        }
        deadlines.connectionEnded();
        welcomed = false;
        tokens.connectionEnded();
        publishes.connectionEnded();
        subscriptions.connectionEnded();
        sender.connectionEnded();
    }

    /** The generation check: {@code task} will do nothing once the current connection has ended. */
    private Runnable ifCurrent(Runnable task) {
        long gen = generation;
        return () -> {
            if (gen == generation) {
                task.run();
            }
        };
    }

    private void changeState(ClientState next) {
        ClientState previous = state;
        if (previous == next) {
            return;
        }
        state = next;
        publicState = next;
        listener.onStateChanged(previous, next);
    }

    private void notifyError(PushClientException error) {
        counters.error(error);
        listener.onError(error);
    }

    private static void requireValidChannel(String channel) {
        if (!Channels.isValid(channel)) {
            throw new IllegalArgumentException("invalid channel name '" + channel
                    + "': 1 to 128 characters of [A-Za-z0-9._:@$-]");
        }
    }
}
