package io.pushwire.it.bench;

import static io.pushwire.it.bench.FanoutBench.log;
import static io.pushwire.it.bench.FanoutBench.ms;

import com.fasterxml.jackson.databind.node.IntNode;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.broker.HistorySettings;
import io.pushwire.server.broker.redis.RedisBroker;
import io.pushwire.server.broker.redis.RedisBrokerSettings;
import io.pushwire.server.broker.redis.RedisServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * The cluster benchmark ({@code -Dbench.scenario=cluster}): in one run, the same fan-out load on one node
 * with the embedded broker (the baseline) and on two nodes sharing one Redis, the subscribers split over
 * the two and the publisher on the first; then the publish ceiling through the Redis publish script
 * (publishes/s on one channel and spread over 1,000), driven in-process through {@link RedisBroker}.
 * Each figure is reported beside the baseline's, as a ratio: this shared machine drifts between runs, so
 * the two configurations alternate for {@code bench.rounds} rounds and the median of the rounds' ratios is
 * the result.
 */
final class ClusterBench {
    private static final String CHANNEL = "bench.fanout";
    private static final String TOKEN = "bench-token";

    private final int subscribers = Integer.parseInt(FanoutBench.setting("bench.subscribers", "1000"));
    private final double rate = Double.parseDouble(FanoutBench.setting("bench.rate", "100"));
    private final int warmupSeconds = Integer.parseInt(FanoutBench.setting("bench.warmup-s", "10"));
    private final int durationSeconds = Integer.parseInt(FanoutBench.setting("bench.duration-s", "30"));
    private final int rounds = Integer.parseInt(FanoutBench.setting("bench.rounds", "3"));
    /**
     * Processors each cluster node sizes itself for ({@code -XX:ActiveProcessorCount}; 0, the default: the
     * machine's), to try nodes sized as replicas with a CPU limit each would be. Tried with 1 on this
     * 2-core machine: no better (BENCHMARKS.md), so the default leaves the JVMs as they are.
     */
    private final int nodeCpus = Integer.parseInt(FanoutBench.setting("bench.node-cpus", "0"));
    /** Enough that a publish waiting on its round trip does not hold the next one back (8 of them, as the ceiling). */
    private static final int PUBLISHER_THREADS = 8;
    private final int ceilingSeconds = Integer.parseInt(FanoutBench.setting("bench.ceiling-s", "10"));
    private final Path jar = Path.of(FanoutBench.setting("pushwire.server.jar", "../server/target/pushwire-server.jar"));
    private final Path out = Path.of(FanoutBench.setting("bench.out", "target/bench"));

    /** One configuration's figures. */
    private record Result(String name, double delivered, Histogram latency, double serversCpu, double redisCpu,
                          long missing, long duplicates, long jumps, long gaps, String publishing) {
        double cpuSecondsPerMillion() {
            return (serversCpu + redisCpu) / 100.0 / delivered * 1_000_000;
        }
    }

    static int run() throws Exception {
        return new ClusterBench().execute();
    }

    private int execute() throws Exception {
        Files.createDirectories(out);
        log("cluster: " + subscribers + " subscribers, " + rate + " publishes/s, warm-up " + warmupSeconds
                + " s, window " + durationSeconds + " s; load average " + ProcStats.loadAverage());
        List<Result[]> pairs = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            log("round " + round + " of " + rounds);
            pairs.add(new Result[] {fanout("one node, memory broker", false), fanout("two nodes, Redis broker", true)});
        }
        String ceiling = publishCeiling();
        String markdown = report(pairs, ceiling);
        System.out.println();
        System.out.println(markdown);
        Path results = out.resolve("results-cluster.md");
        Files.writeString(results, markdown + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        log("appended to " + results.toAbsolutePath());
        return 0;
    }

    /** The fan-out load on one memory node, or on two nodes sharing a Redis this starts. */
    private Result fanout(String name, boolean cluster) throws Exception {
        RedisServer redis = cluster ? RedisServer.start() : null;
        List<BenchServer> nodes = new ArrayList<>();
        List<SubscriberProcess> children = new ArrayList<>();
        Publisher publisher = null;
        try {
            for (int n = 0; n < (cluster ? 2 : 1); n++) {
                List<String> properties = new ArrayList<>(List.of("-Dpushwire.feeds.simulated.enabled=false",
                        "-Dpushwire.limits.handshakes-per-second=100000", "-Dpushwire.admin.token=" + TOKEN));
                if (cluster) {
                    properties.addAll(List.of("-Dpushwire.broker=redis", "-Dpushwire.redis.uri=" + redis.uri(),
                            "-Dpushwire.node.id=bench-node-" + n));
                }
                List<String> jvm = new ArrayList<>(List.of("-Xmx1g"));
                if (cluster && nodeCpus > 0) {
                    jvm.add("-XX:ActiveProcessorCount=" + nodeCpus);
                }
                nodes.add(BenchServer.start(jar, jvm, properties,
                        out.resolve("server-cluster-" + (cluster ? "redis-" + n : "memory") + ".log")));
            }
            int maxSeq = (int) Math.ceil(rate * (warmupSeconds + durationSeconds + 30)) + 1_000;
            publisher = new Publisher(nodes.get(0).httpUri(), CHANNEL, TOKEN, 100, "raw", maxSeq);
            publisher.publishOnce();
            // Two subscriber processes, each on its own node in the cluster: the subscribers split over them.
            int half = subscribers / 2;
            for (int p = 0; p < 2; p++) {
                BenchServer node = nodes.get(p % nodes.size());
                children.add(SubscriberProcess.start(p, List.of("-Xmx1g"), node.webSocketUri(), CHANNEL, p * half,
                        p == 0 ? half : subscribers - half, 1_000, maxSeq, "nio", 2,
                        out.resolve("subscriber-cluster-" + (cluster ? "redis-" : "memory-") + p + ".log")));
            }
            int connected = 0;
            for (SubscriberProcess child : children) {
                connected += Integer.parseInt(child.await("@CONNECTED", 330).split(" ")[0]);
            }
            log(name + ": " + connected + " subscribed");
            MeasurementWindow window = MeasurementWindow.open(children, warmupSeconds, durationSeconds);
            Thread publishing = window.startPublishing(publisher, rate, PUBLISHER_THREADS);
            sleepUntil(window.startNanos());
            long[] start = cpu(nodes, redis);
            sleepUntil(window.endNanos());
            long[] end = cpu(nodes, redis);
            publishing.join();
            Thread.sleep(3_000);

            Histogram latency = new Histogram(3_600_000_000L, 3);
            long delivered = 0;
            long missing = 0;
            long duplicates = 0;
            long jumps = 0;
            long gaps = 0;
            // Per subscriber process: in the cluster, the publishing node's subscribers, then the other node's.
            List<String> perProcess = new ArrayList<>();
            for (SubscriberProcess child : children) {
                child.send("REPORT " + publisher.lastSeq.get());
                Map<String, String> report = SubscriberProcess.parse(child.await("@REPORT", 60));
                Histogram own = Histogram.decodeFromCompressedByteBuffer(
                        ByteBuffer.wrap(Base64.getDecoder().decode(report.get("hist"))), 0);
                perProcess.add(ms(own, 50) + " / " + ms(own, 99));
                latency.add(own);
                delivered += Long.parseLong(report.get("windowDelivered"));
                missing += Long.parseLong(report.get("missing"));
                duplicates += Long.parseLong(report.get("duplicates"));
                jumps += Long.parseLong(report.get("jumps"));
                gaps += Long.parseLong(report.get("gapFrames"));
            }
            double seconds = (end[2] - start[2]) / 1e9;
            double serversCpu = 100.0 * (end[0] - start[0]) / ProcStats.TICKS_PER_SECOND / seconds;
            double redisCpu = 100.0 * (end[1] - start[1]) / ProcStats.TICKS_PER_SECOND / seconds;
            Histogram requests = publisher.requestLatency.getIntervalHistogram();
            String publishing0 = String.format(Locale.ROOT, "%.1f/s in the window (%d skipped as late, %d failed), POST p50 %s ms, p99 %s ms;"
                    + " p50 / p99 ms per subscriber process: %s",
                    publisher.okInWindow.sum() / (double) durationSeconds, publisher.skipped.sum(), publisher.failed.sum(),
                    ms(requests, 50), ms(requests, 99), String.join(", ", perProcess));
            Result result = new Result(name, delivered / (double) durationSeconds, latency, serversCpu, redisCpu,
                    missing, duplicates, jumps, gaps, publishing0);
            log(String.format(Locale.ROOT, "%s: %,.0f deliveries/s, p50 %s ms, p99 %s ms, servers CPU %.0f %%, Redis %.0f %%; published %s",
                    name, result.delivered(), ms(latency, 50), ms(latency, 99), serversCpu, redisCpu, publishing0));
            return result;
        } finally {
            if (publisher != null) {
                publisher.close();
            }
            for (SubscriberProcess child : children) {
                child.close();
            }
            for (BenchServer node : nodes) {
                node.close();
            }
            if (redis != null) {
                redis.close();
            }
        }
    }

    /** CPU ticks of the nodes together and of Redis, and the time. */
    private static long[] cpu(List<BenchServer> nodes, RedisServer redis) {
        long servers = 0;
        for (BenchServer node : nodes) {
            servers += ProcStats.cpuTicks(node.pid());
        }
        return new long[] {servers, redis == null ? 0 : ProcStats.cpuTicks(redis.pid()), System.nanoTime()};
    }

    /** Publishes/s through the publish script from 8 threads: on one channel, then over 1,000. */
    private String publishCeiling() throws Exception {
        StringBuilder lines = new StringBuilder();
        try (RedisServer redis = RedisServer.start();
             RedisBroker broker = new RedisBroker(RedisBrokerSettings.defaults(redis.uri()), new FrameCodec(),
                     InstantSource.system(), new HistorySettings(1_000, 300_000), new HistorySettings(1_000, 300_000))) {
            broker.start(new io.pushwire.server.broker.BrokerListener() {
                @Override
                public void onPublication(io.pushwire.server.broker.Publication publication) {
                }

                @Override
                public void onStatus(io.pushwire.server.broker.ChannelStatus status) {
                }
            });
            for (int channels : new int[] {1, 1_000}) {
                LongAdder published = new LongAdder();
                long redisBefore = ProcStats.cpuTicks(redis.pid());
                long selfBefore = ProcStats.cpuTicks(ProcessHandle.current().pid());
                long started = System.nanoTime();
                long deadline = started + ceilingSeconds * 1_000_000_000L;
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    threads.add(Thread.ofPlatform().start(() -> {
                        while (System.nanoTime() < deadline) {
                            int index = channels == 1 ? 0 : ThreadLocalRandom.current().nextInt(channels);
                            broker.publish(ChannelKey.of("bench.ceiling." + index), IntNode.valueOf(index),
                                    System.currentTimeMillis());
                            published.increment();
                        }
                    }));
                }
                for (Thread thread : threads) {
                    thread.join();
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                double redisCpu = 100.0 * (ProcStats.cpuTicks(redis.pid()) - redisBefore) / ProcStats.TICKS_PER_SECOND / seconds;
                double selfCpu = 100.0 * (ProcStats.cpuTicks(ProcessHandle.current().pid()) - selfBefore)
                        / ProcStats.TICKS_PER_SECOND / seconds;
                String line = String.format(Locale.ROOT, "| %,d | %,.0f | %.0f | %.0f |", channels,
                        published.sum() / seconds, redisCpu, selfCpu);
                log("publish ceiling, " + channels + " channel(s): " + line);
                lines.append(line).append('\n');
            }
        }
        return lines.toString();
    }

    private String report(List<Result[]> pairs, String ceiling) {
        StringBuilder md = new StringBuilder();
        md.append("### cluster — ").append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.withZone(ZoneOffset.UTC)
                .format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))).append(" UTC\n\n");
        md.append(String.format(Locale.ROOT, "%,d subscribers, %.0f publishes/s of ~100-byte events (%d publisher threads),"
                + " %d s window after %d s warm-up, %d rounds alternating the two configurations;"
                + " each cluster node sized for %s processor(s) of the machine's %d."
                + " Command: `mvn -B -Pbench -pl it-tests -am verify -DskipTests -Dbench.scenario=cluster`%n%n",
                subscribers, rate, PUBLISHER_THREADS, durationSeconds, warmupSeconds, pairs.size(),
                nodeCpus > 0 ? Integer.toString(nodeCpus) : "all", Runtime.getRuntime().availableProcessors()));
        md.append("| round | configuration | delivered events/s | p50 ms | p99 ms | max ms | servers CPU % | Redis CPU % "
                + "| CPU s per million deliveries | losses |\n|---|---|---|---|---|---|---|---|---|---|\n");
        List<double[]> ratios = new ArrayList<>();
        for (int round = 0; round < pairs.size(); round++) {
            Result memory = pairs.get(round)[0];
            Result redis = pairs.get(round)[1];
            for (Result result : List.of(memory, redis)) {
                md.append(String.format(Locale.ROOT, "| %d | %s | %,.0f | %s | %s | %.1f | %.0f | %.0f | %.2f | missing %d, duplicates %d, jumps %d, gaps %d |%n",
                        round + 1, result.name(), result.delivered(), ms(result.latency(), 50), ms(result.latency(), 99),
                        result.latency().getMaxValue() / 1000.0, result.serversCpu(), result.redisCpu(),
                        result.cpuSecondsPerMillion(), result.missing(), result.duplicates(), result.jumps(), result.gaps()));
            }
            double[] ratio = {redis.delivered() / memory.delivered(),
                    redis.latency().getValueAtPercentile(50) / (double) Math.max(1, memory.latency().getValueAtPercentile(50)),
                    redis.latency().getValueAtPercentile(99) / (double) Math.max(1, memory.latency().getValueAtPercentile(99)),
                    redis.cpuSecondsPerMillion() / memory.cpuSecondsPerMillion()};
            ratios.add(ratio);
            md.append(String.format(Locale.ROOT, "| %d | **ratio Redis / memory** | %.2f | %.2f | %.2f | | | | %.2f | |%n",
                    round + 1, ratio[0], ratio[1], ratio[2], ratio[3]));
        }
        md.append(String.format(Locale.ROOT, "%n**Median of the rounds' ratios, Redis / memory**: delivered %.2f, p50 %.2f,"
                + " **p99 %.2f**, CPU per delivery %.2f.%n%n", median(ratios, 0), median(ratios, 1), median(ratios, 2),
                median(ratios, 3)));
        for (int round = 0; round < pairs.size(); round++) {
            for (Result result : pairs.get(round)) {
                md.append("- round ").append(round + 1).append(", ").append(result.name()).append(": published ")
                        .append(result.publishing()).append('\n');
            }
        }
        md.append('\n');
        md.append("Publish ceiling through the Redis publish script (8 threads in one JVM, one Lettuce connection):\n\n");
        md.append("| channels | publishes/s | Redis CPU % | publishing JVM CPU % |\n|---|---|---|---|\n").append(ceiling);
        md.append("\n- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(ProcStats.cpuModel()).append("; load average at the end ").append(ProcStats.loadAverage()).append('\n');
        return md.toString();
    }

    private static double median(List<double[]> rows, int column) {
        return Figures.median(rows.stream().mapToDouble(row -> row[column]).toArray());
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            Thread.sleep(Math.min(left / 1_000_000 + 1, 1_000));
        }
    }
}
