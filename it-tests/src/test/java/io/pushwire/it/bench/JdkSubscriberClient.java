package io.pushwire.it.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Subscribers on JDK {@link java.net.http.WebSocket}s: one {@link HttpClient} per source address, all
 * on one small executor, {@code request(1)} flow control, fragments joined before scanning.
 */
final class JdkSubscriberClient implements SubscriberClient {
    private final URI uri;
    private final String channel;
    private final SubscriberStats stats;
    private final ExecutorService executor;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
    private final List<Connection> connections = new ArrayList<>();

    JdkSubscriberClient(URI uri, String channel, SubscriberStats stats, int threads) {
        this.uri = uri;
        this.channel = channel;
        this.stats = stats;
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "subscriber-io");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public int connectAll(List<String> sourceAddresses, int concurrency, Duration timeout) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        for (String address : sourceAddresses) {
            inFlight.acquire();
            Connection connection = new Connection(connections.size());
            connections.add(connection);
            connection.open(client(address), 3);
            connection.ready.whenComplete((ok, error) -> inFlight.release());
        }
        return SubscriberMain.awaitReady(connections, timeout);
    }

    @Override
    public List<? extends Subscriber> subscribers() {
        return connections;
    }

    private HttpClient client(String address) {
        return clients.computeIfAbsent(address, a -> {
            try {
                return HttpClient.newBuilder()
                        .localAddress(InetAddress.getByName(a))
                        .executor(executor)
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(a, e);
            }
        });
    }

    @Override
    public void closeAll() {
        for (Connection c : connections) {
            c.abort();
        }
        executor.shutdownNow();
    }

    private final class Connection extends Subscriber implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket socket;
        private CompletableFuture<WebSocket> sending = CompletableFuture.completedFuture(null);

        Connection(int index) {
            super(index, JdkSubscriberClient.this.channel, JdkSubscriberClient.this.stats);
        }

        void open(HttpClient client, int attempts) {
            client.newWebSocketBuilder()
                    .subprotocols("pushwire.v1")
                    .connectTimeout(Duration.ofSeconds(15))
                    .buildAsync(uri, this)
                    .whenComplete((ws, error) -> {
                        if (error == null) {
                            return;
                        }
                        if (attempts > 1) {
                            stats.connectRetries.increment();
                            CompletableFuture.delayedExecutor(200 + (index % 50) * 20L, TimeUnit.MILLISECONDS)
                                    .execute(() -> open(client, attempts - 1));
                        } else {
                            stats.problem("connect failed: " + error);
                            ready.complete(false);
                        }
                    });
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            this.socket = webSocket;
            opened();
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (!last) {
                partial.append(data);
            } else if (!partial.isEmpty()) {
                partial.append(data);
                message(partial, SubscriberStats.nowMicros());
                partial.setLength(0);
            } else {
                message(data, SubscriberStats.nowMicros());
            }
            webSocket.request(1);
            return null;
        }

        @Override
        synchronized void send(String text) {
            WebSocket ws = socket;
            sending = sending.thenCompose(ignored -> ws.sendText(text, true)).exceptionally(error -> {
                stats.problem("send failed: " + error);
                return ws;
            });
        }

        @Override
        void abort() {
            WebSocket ws = socket;
            if (ws != null) {
                ws.abort();
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed(statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed(1006, String.valueOf(error));
        }
    }
}
