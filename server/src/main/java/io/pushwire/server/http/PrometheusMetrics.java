package io.pushwire.server.http;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.pushwire.server.core.Counter;
import io.pushwire.server.core.Histogram;
import io.pushwire.server.core.PushServer;
import io.pushwire.server.feed.Feed;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The server's counters, gauges and histograms in the Prometheus text format, read fresh at each
 * scrape from the core (which counts with {@code LongAdder}s and never knows about Prometheus). The
 * core's counters are exported as each {@link Counter} names and describes itself. Names follow
 * Prometheus conventions: {@code pushwire_} prefix, base units (seconds), counters ending in
 * {@code _total}. The JVM's and the process's own families ({@code jvm_*}, {@code process_*}) come from
 * the Prometheus Java client's JVM instrumentation, registered in a registry of their own.
 */
final class PrometheusMetrics {
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private final PushServer server;
    private final List<Feed> feeds;
    private final PrometheusRegistry jvm;

    /** {@code jvm}: the registry of the JVM's families ({@link #jvmRegistry()}), scraped with ours. */
    PrometheusMetrics(PushServer server, List<Feed> feeds, PrometheusRegistry jvm) {
        this.server = server;
        this.feeds = List.copyOf(feeds);
        this.jvm = jvm;
    }

    /**
     * A registry holding the JVM instrumentation: memory (heap, non-heap, pools), GC pauses, threads,
     * classes, JIT, buffer pools, and the process's CPU time, memory and file descriptors.
     */
    static PrometheusRegistry jvmRegistry() {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        return registry;
    }

    /** One scrape, as text: Pushwire's families and the JVM's (which share no name: PrometheusMetricsTest). */
    String scrape() {
        List<MetricSnapshot> all = new ArrayList<>();
        snapshots().forEach(all::add);
        jvm.scrape().forEach(all::add);
        ByteArrayOutputStream out = new ByteArrayOutputStream(32_768);
        try {
            WRITER.write(out, new MetricSnapshots(all));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Pushwire's own families (without the JVM's), read fresh. */
    MetricSnapshots snapshots() {
        List<MetricSnapshot> metrics = new ArrayList<>();
        for (Counter counter : Counter.values()) {
            metrics.add(counter == Counter.CONNECTIONS_CLOSED
                    ? byCloseCode(counter, server.counters().closesByCode())
                    : counter(counter.metric(), counter.help(), server.counters().value(counter)));
        }
        metrics.add(gauge("pushwire_connections", "open WebSocket connections", server.connectionCount()));
        metrics.add(gauge("pushwire_sessions", "sessions, attached or kept for a resume", server.sessionCount()));
        metrics.add(gauge("pushwire_sessions_attached", "sessions with a connection", server.attachedSessionCount()));
        metrics.add(gauge("pushwire_channels", "channels", server.hub().channelCount()));
        metrics.add(gauge("pushwire_queued_bytes", "JSON waiting in all outbound queues", server.queuedBytes()));
        metrics.add(gauge("pushwire_draining", "1 while the server drains for shutdown", server.isDraining() ? 1 : 0));
        metrics.add(gauge("pushwire_broker_up", "1 while the broker (with pushwire.broker=redis: Redis) answers",
                server.brokerUnavailable().isEmpty() ? 1 : 0));
        metrics.add(counter("pushwire_sessions_resumed_from_other_node",
                "resumes on this node of a session another node held (sessions in Redis)", server.crossNodeResumes()));
        metrics.add(counter("pushwire_sessions_taken_by_other_node",
                "connections this node closed with 4003 because a resume on another node took their session",
                server.sessionsTakenByOtherNodes()));
        metrics.add(counter("pushwire_broker_repaired_entries",
                "entries read back from Redis's streams because pub/sub lost them or was late", server.brokerRepairedEntries()));
        metrics.add(histogram("pushwire_batch_frames", "frames per written WebSocket message",
                server.counters().batchFrames(), 1));
        metrics.add(histogram("pushwire_publish_to_write_seconds",
                "time from an event's publish to its write to a client socket, per delivered event",
                server.counters().publishToWriteMs(), 1_000));
        metrics.addAll(feeds(feeds));
        return new MetricSnapshots(metrics);
    }

    private static List<MetricSnapshot> feeds(List<Feed> all) {
        // One reading per feed for the whole scrape, so that its families agree with each other.
        Map<String, Feed.Figures> feeds = new LinkedHashMap<>();
        all.forEach(feed -> feeds.put(feed.name(), feed.figures()));
        List<MetricSnapshot> metrics = new ArrayList<>();
        metrics.add(perFeed(feeds, GaugeSnapshot.builder().name("pushwire_feed_connected")
                .help("1 while the feed delivers (an exchange feed: connected, subscriptions confirmed)"),
                figures -> figures.connected() ? 1.0 : 0.0));
        metrics.add(perFeed(feeds, GaugeSnapshot.builder().name("pushwire_feed_leading")
                .help("1 on the node that runs the feed (holds its lease), 0 on the others"),
                figures -> figures.leading() ? 1.0 : 0.0));
        metrics.add(perFeed(feeds, GaugeSnapshot.builder().name("pushwire_feed_last_message_age_seconds")
                .help("since the feed last heard from its source (-1: never)"),
                figures -> figures.lastMessageAgeMs() < 0 ? -1.0 : figures.lastMessageAgeMs() / 1_000.0));
        metrics.add(perFeedCounter(feeds, "pushwire_feed_reconnects", "feed connections after the first", Feed.Figures::reconnects));
        metrics.add(perFeedCounter(feeds, "pushwire_feed_gaps", "upstream gaps announced to clients", Feed.Figures::gaps));
        metrics.add(perFeedCounter(feeds, "pushwire_feed_missing_events", "source ids covered by upstream gaps",
                Feed.Figures::missingEvents));
        metrics.add(perFeedCounter(feeds, "pushwire_feed_published", "events the feed published", Feed.Figures::published));
        return metrics;
    }

    private static GaugeSnapshot perFeed(Map<String, Feed.Figures> feeds, GaugeSnapshot.Builder gauge,
                                         Function<Feed.Figures, Double> value) {
        feeds.forEach((name, figures) -> gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of("feed", name)).value(value.apply(figures)).build()));
        return gauge.build();
    }

    private static CounterSnapshot perFeedCounter(Map<String, Feed.Figures> feeds, String name, String help,
                                                  Function<Feed.Figures, Long> value) {
        CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name).help(help);
        feeds.forEach((feed, figures) -> counter.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(Labels.of("feed", feed)).value(value.apply(figures)).build()));
        return counter.build();
    }

    private static CounterSnapshot byCloseCode(Counter counter, Map<Integer, Long> closesByCode) {
        CounterSnapshot.Builder closed = CounterSnapshot.builder().name(counter.metric()).help(counter.help());
        closesByCode.forEach((code, count) -> closed.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(Labels.of("code", Integer.toString(code))).value(count).build()));
        return closed.build();
    }

    private static CounterSnapshot counter(String name, String help, long value) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).build()).build();
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    /** A core histogram; {@code unitsPerBase} converts its units to the exported ones (ms to s: 1000). */
    private static HistogramSnapshot histogram(String name, String help, Histogram.Snapshot recorded, double unitsPerBase) {
        long[] bounds = recorded.upperBounds();
        double[] upper = new double[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            upper[i] = bounds[i] / unitsPerBase;
        }
        upper[bounds.length] = Double.POSITIVE_INFINITY;
        return HistogramSnapshot.builder().name(name).help(help)
                .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(upper, recorded.counts()))
                        .sum(recorded.sum() / unitsPerBase).build())
                .build();
    }
}
