package io.pushwire.client.internal;

import io.pushwire.client.ClientState;
import io.pushwire.client.EventHandler;
import io.pushwire.client.PushClientException;
import io.pushwire.client.PushListener;
import io.pushwire.protocol.Channels;
import io.pushwire.protocol.CloseCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.Goaway;
import io.pushwire.protocol.Hello;
import io.pushwire.protocol.Ping;
import io.pushwire.protocol.Pong;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.ProtocolVersion;
import io.pushwire.protocol.Status;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.Unsubscribe;
import io.pushwire.protocol.Unsubscribed;
import io.pushwire.protocol.Welcome;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The client's state machine. Every public call and every transport callback hops onto one event
 * thread, which alone reads and writes the fields below: no locks, and callbacks see a consistent state.
 *
 * <p>Each connection attempt gets a new generation number. Transport callbacks carry the generation they
 * were created for and are dropped when it is no longer current, so a late close or message from a
 * replaced connection can never disturb the current one.
 */
public final class ClientCore {
    private static final Logger LOG = System.getLogger(ClientCore.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final URI uri;
    private final Duration connectTimeout;
    private final PushListener listener;
    private final TransportFactory transports;
    private final FrameCodec codec;
    private final ExecutorService loop;
    private final Thread loopThread;

    // Event-thread state.
    private ClientState state = ClientState.DISCONNECTED;
    private long generation;
    private Transport transport;
    private CompletableFuture<Void> connecting;
    private long nextRequestId = 1;
    private final Map<String, ChannelSubscription> subscriptions = new LinkedHashMap<>();
    private final Map<Long, CompletableFuture<Frame>> pending = new HashMap<>();
    /** Subscribe requests in flight, so that an error reply can fail the right subscription. */
    private final Map<Long, ChannelSubscription> subscriptionRequests = new HashMap<>();

    // Mirrors for readers on other threads.
    private volatile ClientState publicState = ClientState.DISCONNECTED;
    private volatile String clientId;

    public ClientCore(URI uri, Duration connectTimeout, PushListener listener, TransportFactory transports,
                      FrameCodec codec) {
        this.uri = uri;
        this.connectTimeout = connectTimeout;
        this.listener = listener;
        this.transports = transports;
        this.codec = codec;
        Thread[] created = new Thread[1];
        this.loop = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "pushwire-client-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            created[0] = thread;
            return thread;
        });
        // Start the thread now so that its identity is known for isEventThread().
        CompletableFuture.runAsync(() -> { }, loop).join();
        this.loopThread = created[0];
    }

    public ClientState state() {
        return publicState;
    }

    public String clientId() {
        return clientId;
    }

    public CompletableFuture<Void> connect() {
        return onLoop(() -> {
            switch (state) {
                case CLOSED:
                    return CompletableFuture.<Void>failedFuture(closedError());
                case CONNECTED:
                    return CompletableFuture.<Void>completedFuture(null);
                case CONNECTING:
                    return connecting;
                default:
                    return startConnecting();
            }
        }).thenCompose(future -> future);
    }

    public CompletableFuture<Subscribed> subscribe(String channel, EventHandler handler) {
        requireValidChannel(channel);
        return onLoop(() -> {
            if (state == ClientState.CLOSED) {
                return CompletableFuture.<Subscribed>failedFuture(closedError());
            }
            ChannelSubscription existing = subscriptions.get(channel);
            if (existing != null) {
                existing.ready().completeExceptionally(new PushClientException(
                        "replaced by a newer subscribe to " + channel, null, 0, null));
            }
            ChannelSubscription subscription = new ChannelSubscription(channel, handler);
            subscriptions.put(channel, subscription);
            if (state == ClientState.CONNECTED) {
                sendSubscribe(subscription);
            }
            return subscription.ready();
        }).thenCompose(future -> future);
    }

    public CompletableFuture<Void> unsubscribe(String channel) {
        requireValidChannel(channel);
        return onLoop(() -> {
            ChannelSubscription removed = subscriptions.remove(channel);
            if (removed == null || state != ClientState.CONNECTED) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            long id = nextRequestId++;
            return request(id, new Unsubscribe(id, channel)).thenApply(reply -> (Void) null);
        }).thenCompose(future -> future);
    }

    /** Closes for good; waits up to a second for the event thread unless called from it. */
    public void close() {
        CompletableFuture<Void> done = onLoop(() -> {
            if (state != ClientState.CLOSED) {
                generation++;
                if (transport != null) {
                    transport.close(CloseCode.NORMAL, "client closed");
                    transport = null;
                }
                failOutstanding(closedError());
                changeState(ClientState.CLOSED);
            }
            return null;
        });
        loop.shutdown();
        if (!isEventThread()) {
            try {
                done.get(1, TimeUnit.SECONDS);
                loop.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(Level.WARNING, "client did not close cleanly", e);
            }
        }
    }

    private CompletableFuture<Void> startConnecting() {
        changeState(ClientState.CONNECTING);
        connecting = new CompletableFuture<>();
        long attempt = ++generation;
        transports.open(uri, List.of(ProtocolVersion.SUBPROTOCOL), connectTimeout, listenerFor(attempt))
                .whenComplete((opened, error) -> runOnLoop(() -> onOpened(attempt, opened, error)));
        return connecting;
    }

    private void onOpened(long attempt, Transport opened, Throwable error) {
        if (attempt != generation) {
            if (opened != null) {
                opened.abort();
            }
            return;
        }
        if (error != null) {
            onConnectionLost(1006, "connect failed: " + rootMessage(error));
            return;
        }
        transport = opened;
        long id = nextRequestId++;
        send(new Hello(id, ProtocolVersion.V1, null, null, null, null));
    }

    private TransportListener listenerFor(long attempt) {
        return new TransportListener() {
            @Override
            public CompletableFuture<?> onText(String message) {
                try {
                    return CompletableFuture.runAsync(() -> {
                        if (attempt == generation) {
                            onMessage(message);
                        }
                    }, loop);
                } catch (RejectedExecutionException closed) {
                    return CompletableFuture.completedFuture(null);
                }
            }

            @Override
            public void onClosed(int code, String reason) {
                runOnLoop(() -> {
                    if (attempt == generation) {
                        onConnectionLost(code, reason);
                    }
                });
            }
        };
    }

    private void onMessage(String message) {
        List<Frame> frames;
        try {
            frames = codec.decode(message);
        } catch (ProtocolException e) {
            notifyError(new PushClientException("undecodable server message: " + e.getMessage(), null, 0, e));
            return;
        }
        for (Frame frame : frames) {
            dispatch(frame);
        }
    }

    private void dispatch(Frame frame) {
        if (frame instanceof Event) {
            onEvent((Event) frame);
        } else if (frame instanceof Welcome) {
            onWelcome((Welcome) frame);
        } else if (frame instanceof Subscribed) {
            Subscribed subscribed = (Subscribed) frame;
            ChannelSubscription subscription = subscriptions.get(subscribed.channel());
            if (subscription != null) {
                subscription.onSubscribed(subscribed);
            }
            completeRequest(subscribed.id(), frame);
        } else if (frame instanceof Unsubscribed) {
            completeRequest(((Unsubscribed) frame).id(), frame);
        } else if (frame instanceof Gap) {
            Gap gap = (Gap) frame;
            ChannelSubscription subscription = subscriptions.get(gap.channel());
            if (subscription != null) {
                subscription.onGap(gap);
            }
            notify(() -> listener.onGap(gap));
        } else if (frame instanceof Status) {
            notify(() -> listener.onStatus((Status) frame));
        } else if (frame instanceof ErrorFrame) {
            onErrorFrame((ErrorFrame) frame);
        } else if (frame instanceof Ping) {
            send(new Pong(((Ping) frame).ts()));
        } else if (frame instanceof Pong || frame instanceof Goaway) {
            // Pong: liveness only. Goaway: the server closes with 1001 right after; that close is handled.
        } else {
            notifyError(new PushClientException("unexpected '" + FrameCodec.typeName(frame) + "' from server",
                    null, 0, null));
        }
    }

    private void onWelcome(Welcome welcome) {
        if (state != ClientState.CONNECTING) {
            notifyError(new PushClientException("unexpected welcome in state " + state, null, 0, null));
            return;
        }
        clientId = welcome.clientId();
        changeState(ClientState.CONNECTED);
        notify(() -> listener.onConnected(welcome));
        connecting.complete(null);
        for (ChannelSubscription subscription : subscriptions.values()) {
            sendSubscribe(subscription);
        }
    }

    private void onEvent(Event event) {
        ChannelSubscription subscription = subscriptions.get(event.channel());
        if (subscription == null) {
            return; // in flight when the application unsubscribed
        }
        try {
            subscription.deliver(event);
        } catch (RuntimeException e) {
            notifyError(new PushClientException("handler of '" + event.channel() + "' threw on seq " + event.seq(),
                    null, 0, e));
        }
    }

    private void onErrorFrame(ErrorFrame error) {
        CompletableFuture<Frame> request = error.id() == null ? null : pending.remove(error.id());
        if (request != null) {
            request.completeExceptionally(PushClientException.fromServer(error));
            failSubscriptionOf(error.id(), error);
        } else {
            notifyError(PushClientException.fromServer(error));
        }
    }

    private void onConnectionLost(int code, String reason) {
        transport = null;
        PushClientException lost = new PushClientException("connection closed: " + code + " " + reason, null, code, null);
        failOutstanding(lost);
        changeState(ClientState.DISCONNECTED);
        notify(() -> listener.onDisconnected(code, reason));
    }

    private void sendSubscribe(ChannelSubscription subscription) {
        long id = nextRequestId++;
        request(id, new Subscribe(id, subscription.channel(), subscription.position(), null, null, null));
        subscriptionRequests.put(id, subscription);
    }

    private void failSubscriptionOf(long requestId, ErrorFrame error) {
        ChannelSubscription subscription = subscriptionRequests.remove(requestId);
        if (subscription != null && subscriptions.get(subscription.channel()) == subscription) {
            subscriptions.remove(subscription.channel());
            subscription.ready().completeExceptionally(PushClientException.fromServer(error));
        }
    }

    private CompletableFuture<Frame> request(long id, Frame frame) {
        CompletableFuture<Frame> reply = new CompletableFuture<>();
        pending.put(id, reply);
        send(frame);
        return reply;
    }

    private void completeRequest(Long id, Frame reply) {
        if (id != null) {
            subscriptionRequests.remove(id);
            CompletableFuture<Frame> request = pending.remove(id);
            if (request != null) {
                request.complete(reply);
            }
        }
    }

    private void send(Frame frame) {
        Transport current = transport;
        if (current == null) {
            return;
        }
        current.sendText(codec.encode(frame)).whenComplete((ignored, error) -> {
            if (error != null) {
                current.abort();
            }
        });
    }

    /** Fails every request in flight; subscriptions stay registered for the next connection. */
    private void failOutstanding(PushClientException cause) {
        if (connecting != null && !connecting.isDone()) {
            connecting.completeExceptionally(cause);
        }
        pending.values().forEach(request -> request.completeExceptionally(cause));
        pending.clear();
        subscriptionRequests.clear();
        // Without automatic reconnection nobody would complete these; subscriptions themselves stay
        // registered and are sent again by the next connect().
        subscriptions.values().forEach(s -> s.ready().completeExceptionally(cause));
    }

    private void changeState(ClientState next) {
        ClientState previous = state;
        if (previous == next) {
            return;
        }
        state = next;
        publicState = next;
        notify(() -> listener.onStateChanged(previous, next));
    }

    private void notifyError(PushClientException error) {
        notify(() -> listener.onError(error));
    }

    /** Runs a listener callback; a listener that throws is logged, never allowed to break the client. */
    private static void notify(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "PushListener threw", e);
        }
    }

    private <T> CompletableFuture<T> onLoop(Supplier<T> task) {
        try {
            return CompletableFuture.supplyAsync(task, loop);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(closedError());
        }
    }

    private void runOnLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // Closed: nothing is listening any more.
        }
    }

    private boolean isEventThread() {
        return Thread.currentThread() == loopThread;
    }

    private static void requireValidChannel(String channel) {
        if (!Channels.isValid(channel)) {
            throw new IllegalArgumentException("invalid channel name '" + channel
                    + "': 1 to 128 characters of [A-Za-z0-9._:@$-]");
        }
    }

    private static PushClientException closedError() {
        return new PushClientException("client is closed", null, 0, null);
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
