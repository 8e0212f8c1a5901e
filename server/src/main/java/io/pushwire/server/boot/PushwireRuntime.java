package io.pushwire.server.boot;

import io.helidon.config.mp.MpConfig;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.server.core.PushServer;
import io.pushwire.server.feed.Feed;
import io.pushwire.server.feed.FeedLeadership;
import io.pushwire.server.feed.SimulatedFeed;
import io.pushwire.server.feed.upstream.Exchanges;
import io.pushwire.server.feed.upstream.UpstreamFeedConfig;
import io.pushwire.server.core.ApiAccess;
import io.pushwire.server.broker.Broker;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Owns the plain-Java core for the life of the application: builds it from configuration when the CDI
 * container starts, starts the enabled feeds, and closes everything when the container stops.
 */
@ApplicationScoped
public class PushwireRuntime {
    private static final Logger LOG = System.getLogger(PushwireRuntime.class.getName());

    private PushServer server;
    private final List<Feed> feeds = new ArrayList<>();
    private Optional<String> adminToken;
    private ApiAccess apiAccess;
    private volatile boolean started;
    /** Set by {@link Main} once the container finished starting, the web server's features included. */
    private volatile boolean serving;
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** Before Helidon's web server stop observer, which runs at priority 0. */
    private static final int SHUTDOWN_BEFORE_WEB_SERVER = -1000;

    /** For CDI proxies. */
    protected PushwireRuntime() {
    }

    @Inject
    PushwireRuntime(Config config) {
        // The web server's own view of the configuration: the injected Config is a wrapper, and a tree
        // made from it would miss the environment-variable form of a key (SERVER_TLS_..._PASSPHRASE).
        TlsKeyCheck.verify(MpConfig.toHelidonConfig(ConfigProvider.getConfig()).get("server.tls"));
        PushwireSettings settings = PushwireSettings.from(config);
        this.adminToken = settings.adminToken();
        this.apiAccess = settings.apiAccess();
        FrameCodec codec = new FrameCodec();
        InstantSource clock = InstantSource.system();
        Broker broker = settings.broker().create(settings.server(), codec, clock);
        this.server = new PushServer(settings.server(), codec, clock, broker,
                settings.broker().sessionStore(broker, settings.server(), clock));
        // Each feed runs on the node holding its lease: this one, when it is alone.
        String node = settings.broker().nodeId();
        long leaseMs = settings.broker().feedLeaseMs();
        if (settings.simulatedFeed().enabled()) {
            feeds.add(new FeedLeadership(sink -> new SimulatedFeed(sink, clock, settings.simulatedFeed()), server.hub(),
                    server.leases(), node, leaseMs, clock));
        }
        for (UpstreamFeedConfig exchange : settings.exchangeFeeds()) {
            feeds.add(new FeedLeadership(sink -> Exchanges.feed(exchange, sink, clock), server.hub(), server.leases(),
                    node, leaseMs, clock));
        }
        LOG.log(Level.INFO, "Pushwire node " + node + ", broker " + settings.broker().kind());
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        feeds.forEach(Feed::start);
        started = true;
        // "ready" is logged by Main, once the web server has bound its port.
        LOG.log(Level.INFO, "Pushwire started feeds " + feeds.stream().map(Feed::name).toList());
    }

    /**
     * Drains, then closes every connection with 1001, while the web server still runs: readiness goes
     * DOWN, new handshakes get 503, every client gets {@code goaway} with its own reconnect delay, and
     * after {@code pushwire.drain.grace-ms} (or once everyone left) the rest is closed. Helidon stops
     * its server from a {@code @BeforeDestroyed} observer at priority 0, after which connections die
     * without a close frame (1006 at the client); this observer is ordered before it.
     */
    void onShutdown(@Observes @Priority(SHUTDOWN_BEFORE_WEB_SERVER) @BeforeDestroyed(ApplicationScoped.class) Object event) {
        drain();
        stop();
    }

    private void drain() {
        if (stopped.get()) {
            return;
        }
        started = false;
        server.drain();
        long graceMs = server.config().drainGraceMs();
        LOG.log(Level.INFO, "Pushwire draining: goaway sent to " + server.connectionCount()
                + " connections; closing the rest in " + graceMs + " ms");
        long deadline = System.nanoTime() + graceMs * 1_000_000;
        try {
            while (server.connectionCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        started = false;
        feeds.forEach(Feed::close);
        server.close();
        LOG.log(Level.INFO, "Pushwire stopped: connections closed with 1001");
    }

    public PushServer server() {
        return server;
    }

    public List<Feed> feeds() {
        return List.copyOf(feeds);
    }

    /** {@code pushwire.admin.token}, for the HTTP API; blank or absent when the API is open. */
    public Optional<String> adminToken() {
        return adminToken;
    }

    /** Who may call the HTTP API: loopback only while no admin token is set, unless opted out. */
    public ApiAccess apiAccess() {
        return apiAccess;
    }

    /**
     * Whether startup finished: the hub accepts connections, the enabled feeds were started, and the whole
     * container is up. The port is bound (and /health answers) a little before the container is done (the
     * OpenAPI model is built after the bind); a SIGTERM in between would skip the drain, so readiness
     * waits for {@link Main} to say the start is over.
     */
    public boolean isStarted() {
        return started && serving;
    }

    /** Called by {@link Main} when the container's start returned and the port is bound. */
    void markServing() {
        serving = true;
    }
}
