package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.client.PushClient;
import io.pushwire.client.PushClientException;
import io.pushwire.client.PushListener;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Welcome;
import io.pushwire.server.broker.redis.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes on one Redis behind a round-robin TCP proxy (the load balancer), SDK clients subscribed to
 * four channels and their {@code $me}, a publisher sending numbered events and pushes throughout, while
 * the nodes are replaced one by one by a rolling deploy (SIGTERM, then started again), then one is killed.
 * Every client's application gets every event and push once and in order, its sessions resumed on the
 * other nodes: no {@code resume_failed}, no {@code epoch_changed}.
 */
class RollingDeployIT {
    private static final int NODES = 3;
    private static final int CLIENTS = 200;
    private static final List<String> CHANNELS = List.of("deploy.a", "deploy.b", "deploy.c", "deploy.d");

    private RedisServer redis;
    private final List<Integer> ports = new ArrayList<>();
    private final AtomicReferenceArray<ServerProcess> nodes = new AtomicReferenceArray<>(NODES);
    /** Nodes the publisher must not use now: about to stop, starting, or dead. */
    private final Set<Integer> down = ConcurrentHashMap.newKeySet();
    private RoundRobinProxy proxy;
    private final List<PushClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        for (int i = 0; i < NODES; i++) {
            ServerProcess node = ServerProcess.start("deploy-" + i, settings(i));
            nodes.set(i, node);
            ports.add(node.port());
        }
        proxy = new RoundRobinProxy(ports);
    }

    private Map<String, String> settings(int node) {
        Map<String, String> settings = new HashMap<>();
        settings.put("pushwire.broker", "redis");
        settings.put("pushwire.redis.uri", redis.uri());
        settings.put("pushwire.node.id", "deploy-" + node);
        settings.put("pushwire.feeds.simulated.enabled", "false");
        settings.put("pushwire.history.size", "10000");
        settings.put("pushwire.limits.handshakes-per-second", "100000");
        settings.put("pushwire.drain.spread-ms", "2000");
        settings.put("pushwire.drain.grace-ms", "3000");
        return settings;
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(PushClient::close);
        if (proxy != null) {
            proxy.close();
        }
        for (int i = 0; i < NODES; i++) {
            ServerProcess node = nodes.get(i);
            if (node != null) {
                node.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** What one client's application saw. */
    private static final class Seen {
        final Map<String, List<Long>> numbers = new ConcurrentHashMap<>();
        final List<Long> pushes = new CopyOnWriteArrayList<>();
        final List<Gap> gaps = new CopyOnWriteArrayList<>();
        final AtomicInteger freshSessions = new AtomicInteger();
        final AtomicInteger resumes = new AtomicInteger();
        volatile long lastResumedNanos;
        volatile String clientId;
    }

    /** One setup for both (200 clients and three nodes take a while to start): the deploy, then a death. */
    @Test
    void aRollingDeployThenANodeKilledLoseAndRepeatNothing() throws Exception {
        replaceEachNode();
    }

    private volatile long killedNanos;

    private void replaceEachNode() throws Exception {
        List<Seen> seen = connectClients();
        Publisher publisher = new Publisher(seen);
        Thread publishing = Thread.ofPlatform().name("publisher").start(publisher);
        try {
            Thread.sleep(2_000);
            for (int i = 0; i <= NODES; i++) {
                boolean kill = i == NODES; // after the deploy, the first node again: killed this time
                int index = i % NODES;
                down.add(index);
                Thread.sleep(300); // requests already sent to it finish
                long stopped = System.nanoTime();
                if (kill) {
                    nodes.get(index).kill(); // and it stays dead: its clients resume on the two others
                    killedNanos = stopped;
                    Thread.sleep(3_000);
                    continue;
                }
                nodes.get(i).close(); // SIGTERM: goaway, drain, exit
                nodes.set(i, ServerProcess.start("deploy-" + i + "-again", settings(i), ports.get(i)));
                down.remove(i);
                System.out.println("RollingDeployIT: node " + i + " drained and back in "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped) + " ms");
                Thread.sleep(2_000);
            }
            Thread.sleep(1_000);
        } finally {
            publisher.stop = true;
            publishing.join(30_000);
        }
        assertTrue(publisher.failure == null, "publisher: " + publisher.failure);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !allReceived(seen, publisher)) {
            Thread.sleep(200);
        }
        System.out.println("RollingDeployIT: " + publisher.published.get() + " events per channel and "
                + publisher.pushes.get() + " pushes; resumes " + seen.stream().mapToInt(s -> s.resumes.get()).sum());
        {
            long lastResumed = seen.stream().mapToLong(s -> s.lastResumedNanos).max().orElse(killedNanos);
            System.out.println("RollingDeployIT: the last client resumed "
                    + TimeUnit.NANOSECONDS.toMillis(lastResumed - killedNanos) + " ms after the kill, "
                    + seen.stream().filter(s -> s.lastResumedNanos > killedNanos).count() + " clients resumed");
        }
        for (int c = 0; c < CLIENTS; c++) {
            Seen client = seen.get(c);
            for (String channel : CHANNELS) {
                assertEquals(LongStream.rangeClosed(1, publisher.published.get()).boxed().toList(), client.numbers.get(channel),
                        "client " + c + " on " + channel + ": every number once, in order");
            }
            int pushes = publisher.pushesTo[c].get();
            assertEquals(LongStream.rangeClosed(1, pushes).boxed().toList(), client.pushes, "client " + c + ": its pushes");
            assertEquals(1, client.freshSessions.get(), "client " + c + ": one session, resumed every time (no resume_failed)");
            assertTrue(client.gaps.stream().noneMatch(gap -> gap.reason() == GapReason.EPOCH_CHANGED), "client " + c + ": " + client.gaps);
            assertTrue(client.gaps.isEmpty(), "client " + c + ": no gap at all: " + client.gaps);
        }
    }

    private List<Seen> connectClients() throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + proxy.port() + "/ws");
        List<Seen> seen = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Seen client = new Seen();
            seen.add(client);
            PushClient push = PushClient.builder(uri)
                    .reconnectInitialDelay(Duration.ofMillis(100))
                    .reconnectMaxDelay(Duration.ofSeconds(2))
                    .listener(new PushListener() {
                        @Override
                        public void onConnected(Welcome welcome) {
                            if (welcome.resumed()) {
                                client.resumes.incrementAndGet();
                                client.lastResumedNanos = System.nanoTime();
                            } else {
                                client.freshSessions.incrementAndGet();
                                client.clientId = welcome.clientId();
                            }
                        }

                        @Override
                        public void onGap(Gap gap) {
                            client.gaps.add(gap);
                        }

                        @Override
                        public void onError(PushClientException error) {
                            System.out.println("RollingDeployIT: client error " + error.getMessage());
                        }
                    }).build();
            clients.add(push);
            push.connect().get(10, TimeUnit.SECONDS);
            for (String channel : CHANNELS) {
                List<Long> numbers = new CopyOnWriteArrayList<>();
                client.numbers.put(channel, numbers);
                push.subscribe(channel, event -> numbers.add(event.data().path("n").asLong())).get(10, TimeUnit.SECONDS);
            }
            push.subscribe("$me", event -> client.pushes.add(event.data().path("p").asLong())).get(10, TimeUnit.SECONDS);
        }
        return seen;
    }

    private boolean allReceived(List<Seen> seen, Publisher publisher) {
        for (int c = 0; c < CLIENTS; c++) {
            Seen client = seen.get(c);
            if (client.pushes.size() < publisher.pushesTo[c].get()) {
                return false;
            }
            for (String channel : CHANNELS) {
                if (client.numbers.get(channel).size() < publisher.published.get()) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Publishes event n on every channel, then pushes to a few clients' {@code $me}, round after round, each
     * request to a random node that is up. A publish that fails for a node going down is sent again to
     * another with the same {@code Idempotency-Key}: published once.
     */
    private final class Publisher implements Runnable {
        final AtomicInteger published = new AtomicInteger();
        final AtomicInteger pushes = new AtomicInteger();
        final AtomicInteger[] pushesTo = new AtomicInteger[CLIENTS];
        private final List<Seen> seen;
        volatile boolean stop;
        volatile Throwable failure;

        Publisher(List<Seen> seen) {
            this.seen = seen;
            for (int c = 0; c < CLIENTS; c++) {
                pushesTo[c] = new AtomicInteger();
            }
        }

        @Override
        public void run() {
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
                while (!stop) {
                    int n = published.get() + 1;
                    for (String channel : CHANNELS) {
                        send(http, "/api/channels/" + channel + "/events", "{\"n\":" + n + "}", channel + "-" + n);
                    }
                    published.set(n);
                    for (int k = 0; k < 4; k++) {
                        int c = ThreadLocalRandom.current().nextInt(CLIENTS);
                        int p = pushesTo[c].get() + 1;
                        send(http, "/api/sessions/" + seen.get(c).clientId + "/events", "{\"p\":" + p + "}", null);
                        pushesTo[c].set(p);
                        pushes.incrementAndGet();
                    }
                    Thread.sleep(20);
                }
            } catch (Throwable e) {
                failure = e;
            }
        }

        /** Until a node answers 200; a $me push (no idempotency key) only to a node that is up and stays up. */
        private void send(HttpClient http, String path, String body, String idempotencyKey) throws Exception {
            for (int attempt = 0; attempt < 50; attempt++) {
                int index = ThreadLocalRandom.current().nextInt(NODES);
                if (down.contains(index)) {
                    continue;
                }
                HttpRequest.Builder request = HttpRequest.newBuilder(nodes.get(index).httpUri(path))
                        .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(body));
                if (idempotencyKey != null) {
                    request.header("Idempotency-Key", idempotencyKey);
                }
                try {
                    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        return;
                    }
                    if (response.statusCode() != 503) {
                        throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
                    }
                } catch (java.io.IOException refused) {
                    if (idempotencyKey == null) {
                        throw new IllegalStateException("a push failed on its way, its outcome unknown: " + refused);
                    }
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException(path + ": no node took it");
        }
    }
}
