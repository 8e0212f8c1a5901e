package io.pushwire.server.feed;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.server.broker.BrokerUnavailableException;
import io.pushwire.server.broker.Lease;
import io.pushwire.server.broker.LeaseStore;
import io.pushwire.server.core.FeedSink;
import io.pushwire.server.core.Hub;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs a feed on exactly one node of those sharing a broker: the one holding the feed's lease. Every node
 * declares the feed's channels, so its clients can subscribe anywhere; only the leader connects upstream
 * and publishes, through a writer fenced by its lease's token, so that a leader that paused past its lease
 * cannot publish after another took over. The leader renews the lease every third of its time; a node
 * that finds it free takes it within a third of the lease time after it expired.
 *
 * <p>Taking over from another node, the new leader marks the feed's channels {@code stale} (clients see
 * the handover), hands the feed the latest event of each channel so that it continues after it (trade ids
 * de-duplicate across the handover), and starts it; the feed marks its channels fresh once live. With the
 * embedded broker the one node takes the lease at once and keeps it.
 */
public final class FeedLeadership implements Feed {
    private static final Logger LOG = System.getLogger(FeedLeadership.class.getName());

    private final String name;
    private final List<String> channels;
    private final boolean required;
    private final Function<FeedSink, Feed> factory;
    private final Hub hub;
    private final LeaseStore leases;
    private final String node;
    private final long leaseMs;
    private final InstantSource clock;
    private final ScheduledExecutorService timer;
    /** The lease timer's only, but read by probes: the feed running here while this node leads. */
    private volatile Feed running;
    private volatile Lease lease;
    private volatile String leader;
    private long renewedAtMs;

    /**
     * @param factory makes the feed anew for each time this node leads, writing through the sink it is given
     */
    public FeedLeadership(Function<FeedSink, Feed> factory, Hub hub, LeaseStore leases, String node, long leaseMs,
                          InstantSource clock) {
        Feed prototype = factory.apply(hub);
        this.name = prototype.name();
        this.channels = prototype.channels();
        this.required = prototype.required();
        prototype.close();
        this.factory = factory;
        this.hub = hub;
        this.leases = leases;
        this.node = node;
        this.leaseMs = leaseMs;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("pushwire-lease-" + name).daemon().factory());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> channels() {
        return channels;
    }

    /** Declares the channels here, then tries for the lease at once and every third of its time. */
    @Override
    public void start() {
        channels.forEach(hub::declare);
        try {
            // The first round before start returns: a node that can lead at once (a lone node) has its feed
            // running by then.
            timer.submit(this::contend).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        timer.scheduleAtFixedRate(this::contend, leaseMs / 3, leaseMs / 3, TimeUnit.MILLISECONDS);
    }

    /** On the lease timer: renew while leading, else take the lease if it is free. Never throws. */
    private void contend() {
        try {
            Lease held = lease;
            if (held != null) {
                if (leases.renew(held, leaseMs)) {
                    renewedAtMs = clock.millis();
                } else {
                    stepDown("its lease was taken or expired");
                }
            } else {
                leases.tryAcquire(name, node, leaseMs).ifPresent(this::lead);
            }
            leader = lease != null ? node : leases.holder(name).orElse(null);
        } catch (BrokerUnavailableException e) {
            // The lease cannot be seen. Once it would have expired, another node may hold it: stop.
            if (lease != null && clock.millis() - renewedAtMs >= leaseMs) {
                stepDown("the lease could not be renewed in time: " + e.getMessage());
            }
            leader = lease != null ? node : null;
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "feed " + name + ": lease round failed", e);
        }
    }

    private void lead(Lease acquired) {
        lease = acquired;
        leader = node;
        renewedAtMs = clock.millis();
        FeedSink writer = new LeaderWriter(hub.writerFencedBy(acquired.token()), this::fenced);
        Map<String, JsonNode> latest = latestData();
        if (!latest.isEmpty()) {
            for (String channel : channels) {
                writer.markStale(channel, true, name + " feed moving to node " + node);
            }
        }
        Feed feed = factory.apply(writer);
        feed.continueAfter(latest);
        feed.start();
        running = feed;
        LOG.log(Level.INFO, "feed " + name + " now runs on this node (" + node + ", lease token " + acquired.token()
                + (latest.isEmpty() ? ")" : "), continuing after the last leader"));
    }

    /** A write was fenced: a newer leader wrote, so this node lost the lease already. */
    private void fenced() {
        timer.execute(() -> {
            if (running != null) {
                stepDown("a newer leader wrote to its channels");
            }
        });
    }

    private void stepDown(String why) {
        Feed feed = running;
        running = null;
        lease = null;
        leader = null;
        if (feed != null) {
            feed.close();
        }
        LOG.log(Level.WARNING, "feed " + name + " stopped on this node (" + node + "): " + why);
    }

    private Map<String, JsonNode> latestData() {
        Map<String, JsonNode> latest = new HashMap<>();
        for (String channel : channels) {
            hub.latestEventData(channel).ifPresent(data -> latest.put(channel, data));
        }
        return latest;
    }

    /** Leading: whether the feed delivers. Not leading: whether some node leads it. */
    @Override
    public boolean isRunning() {
        Feed feed = running;
        return feed != null ? feed.isRunning() : leader != null;
    }

    @Override
    public boolean required() {
        return required;
    }

    @Override
    public Map<String, Object> describe() {
        Feed feed = running;
        Map<String, Object> facts = new LinkedHashMap<>(feed != null ? feed.describe() : Map.of());
        facts.put("leader", leader == null ? "none" : leader);
        facts.put("leading", feed != null);
        return facts;
    }

    @Override
    public Figures figures() {
        Feed feed = running;
        return feed != null ? feed.figures() : new Figures(false, 0, -1, 0, 0, 0, false);
    }

    /** Stops the feed here and gives the lease up, so that another node need not wait for it to expire. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Feed feed = running;
        running = null;
        if (feed != null) {
            feed.close();
        }
        Lease held = lease;
        lease = null;
        if (held != null) {
            try {
                leases.release(held);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "feed " + name + ": could not release its lease: " + e.getMessage());
            }
        }
    }
}
