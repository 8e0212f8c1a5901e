package io.pushwire.it.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The fan-out benchmark's coordinator: a load generator, not a test. It starts the packaged server,
 * starts subscriber processes ({@link SubscriberMain}, at most {@code bench.per-process} connections
 * each, spread over source addresses 127.0.0.2 and up), publishes over HTTP at a paced rate with the
 * publisher's clock in every payload ({@link Publisher}), and reports delivered events per second,
 * end-to-end latency percentiles, the time for a publish to reach its last subscriber, server CPU and
 * RSS, and every loss. Scenarios ({@code bench.scenario}):
 * <ul>
 *   <li>{@code fanout}: 1,000 subscribers of one channel, 350 publishes/s of ~100-byte payloads;</li>
 *   <li>{@code idle}: 10,000 subscribed connections and no publishing; server RSS;</li>
 *   <li>{@code broadcast10k}: 10,000 subscribers, 20 publishes/s; latency to the last subscriber;</li>
 *   <li>{@code cluster}: one memory node beside two nodes on Redis, and the Redis publish ceiling
 *       ({@link ClusterBench}).</li>
 * </ul>
 * Every phase is bounded: connect (5 min at most), warm-up, measurement window, drain. The summary is
 * printed and appended to {@code it-tests/target/bench/results-<scenario>.md}. See docs/BENCHMARKS.md.
 */
public final class FanoutBench {
    private static final String CHANNEL = "bench.fanout";
    private static final String TOKEN = "bench-token";

    private FanoutBench() {
    }

    /** A scenario's defaults; every one can be overridden with its {@code bench.*} property. */
    private record Defaults(int subscribers, double rate, int warmupSeconds, int durationSeconds) {
    }

    private static final Map<String, Defaults> SCENARIOS = Map.of(
            "fanout", new Defaults(1_000, 350, 10, 30),
            // 40 s of warm-up with 10,000 connections: the first heartbeat round (25 s after each connected)
            // compiles the ping and pong paths, a burst of JIT work that is not the steady state measured.
            "idle", new Defaults(10_000, 0, 40, 30),
            "broadcast10k", new Defaults(10_000, 20, 40, 30));

    public static void main(String[] args) throws Exception {
        String scenario = setting("bench.scenario", "fanout");
        if (scenario.equals("cluster")) {
            System.exit(ClusterBench.run());
        }
        Defaults defaults = SCENARIOS.get(scenario);
        if (defaults == null) {
            throw new IllegalArgumentException("bench.scenario must be one of " + SCENARIOS.keySet() + ": " + scenario);
        }
        Run run = new Run(scenario,
                Integer.parseInt(setting("bench.subscribers", Integer.toString(defaults.subscribers()))),
                Double.parseDouble(setting("bench.rate", Double.toString(defaults.rate()))),
                Integer.parseInt(setting("bench.warmup-s", Integer.toString(defaults.warmupSeconds()))),
                Integer.parseInt(setting("bench.duration-s", Integer.toString(defaults.durationSeconds()))),
                Integer.parseInt(setting("bench.payload-bytes", "100")),
                Integer.parseInt(setting("bench.per-process", "5000")),
                Integer.parseInt(setting("bench.per-address", "1000")),
                Integer.parseInt(setting("bench.client-threads", "2")),
                Integer.parseInt(setting("bench.publisher-threads", "4")),
                setting("bench.client", "nio"),
                setting("bench.publisher", "raw"),
                setting("bench.baseline", "netty"),
                Integer.parseInt(setting("bench.rounds", "1")),
                words(setting("bench.server-jvm", "-Xmx1g")),
                words(setting("bench.client-jvm", "-Xmx1g")),
                words(setting("bench.server-props", "")),
                Path.of(setting("pushwire.server.jar", "../server/target/pushwire-server.jar")),
                Path.of(setting("bench.out", "target/bench")));
        int exit = run.execute();
        System.exit(exit);
    }

    /** A system property; blank counts as absent (the Maven profile passes empty values). */
    static String setting(String key, String fallback) {
        String value = System.getProperty(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static List<String> words(String value) {
        return value.isBlank() ? List.of() : Arrays.asList(value.trim().split("\\s+"));
    }

    private record Run(String scenario, int subscribers, double rate, int warmupSeconds, int durationSeconds,
                       int payloadBytes, int perProcess, int perAddress, int clientThreads, int publisherThreads,
                       String client, String publisherKind, String baseline, int rounds,
                       List<String> serverJvm, List<String> clientJvm, List<String> serverProps, Path jar, Path out) {

        /**
         * Measures Pushwire and, unless {@code bench.baseline=none}, the baseline beside it: {@code bench.rounds}
         * rounds, the order alternating between rounds so that neither always runs on a warmer machine.
         */
        int execute() throws Exception {
            if (!baseline.equals("netty") && !baseline.equals("none")) {
                throw new IllegalArgumentException("bench.baseline must be netty or none: " + baseline);
            }
            Files.createDirectories(out);
            List<Figures> pushwire = new ArrayList<>();
            List<Figures> bare = new ArrayList<>();
            int exit = 0;
            for (int round = 1; round <= rounds; round++) {
                boolean baselineFirst = round % 2 == 0;
                for (boolean isBaseline : baseline.equals("none") ? List.of(false)
                        : baselineFirst ? List.of(true, false) : List.of(false, true)) {
                    log("round " + round + " of " + rounds + ": " + (isBaseline ? "baseline (Netty broadcast)" : "Pushwire"));
                    Measured measured = measure(isBaseline);
                    (isBaseline ? bare : pushwire).add(measured.figures());
                    exit |= measured.exit();
                }
            }
            if (!bare.isEmpty()) {
                String comparison = Figures.comparison(scenario, pushwire, bare);
                System.out.println();
                System.out.println(comparison);
                Path results = out.resolve("results-" + scenario + ".md");
                Files.writeString(results, comparison + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            return exit;
        }

        private record Measured(Figures figures, int exit) {
        }

        private Measured measure(boolean isBaseline) throws Exception {
            String target = isBaseline ? "baseline" : "pushwire";
            boolean publishing = rate > 0;
            String loadBefore = ProcStats.loadAverage();
            long[] machineBefore = ProcStats.machineTicks();
            log("scenario " + scenario + ": " + subscribers + " subscribers, " + (publishing ? rate + " publishes/s" : "no publishing")
                    + ", warm-up " + warmupSeconds + " s, window " + durationSeconds + " s; load average " + loadBefore);

            List<String> properties = new ArrayList<>(List.of(
                    "-Dpushwire.feeds.simulated.enabled=false",
                    "-Dpushwire.limits.handshakes-per-second=100000",
                    "-Dpushwire.admin.token=" + TOKEN));
            properties.addAll(serverProps);
            List<SubscriberProcess> children = new ArrayList<>();
            BenchServer server = isBaseline
                    ? BenchServer.startBaseline(serverJvm, out.resolve("baseline-" + scenario + ".log"))
                    : BenchServer.start(jar, serverJvm, properties, out.resolve("server-" + scenario + ".log"));
            Thread cleanup = Thread.ofPlatform().unstarted(() -> {
                for (SubscriberProcess child : children) {
                    try {
                        child.close();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                try {
                    server.close();
                } catch (InterruptedException e) {
                    // exiting anyway
                }
            });
            Runtime.getRuntime().addShutdownHook(cleanup);
            Publisher publisher = null;
            try {
                long serverPid = server.pid();
                long rssStartKib = ProcStats.statusKib(serverPid, "VmRSS");
                long liveHeapStartKib = ServerDiagnostics.liveHeapKib(serverPid);
                log(target + " pid " + serverPid + " ready at " + server.httpUri() + ", RSS " + mib(rssStartKib) + " MiB, live heap " + liveHeapStartKib / 1024 + " MiB");

                int maxSeq = (int) Math.min(Integer.MAX_VALUE - 1,
                        Math.ceil(rate * (warmupSeconds + durationSeconds + 30)) + 1_000);
                publisher = new Publisher(server.httpUri(), CHANNEL, TOKEN, payloadBytes, publisherKind, maxSeq);
                if (publishing) {
                    long seq = publisher.publishOnce(); // fails fast when the publish API is missing
                    log("publish API answers (seq " + seq + "), payload " + publisher.payloadBytes() + " bytes");
                }

                // Subscribers, in processes of at most perProcess connections.
                long connectStart = System.nanoTime();
                int processes = (subscribers + perProcess - 1) / perProcess;
                for (int p = 0; p < processes; p++) {
                    int first = p * perProcess;
                    int count = Math.min(perProcess, subscribers - first);
                    children.add(SubscriberProcess.start(p, clientJvm, server.webSocketUri(), CHANNEL, first, count,
                            perAddress, maxSeq, client, clientThreads, out.resolve("subscriber-" + scenario + "-" + p + ".log")));
                }
                int connected = 0;
                int failed = 0;
                for (SubscriberProcess child : children) {
                    String[] words = child.await("@CONNECTED", 330).split(" ");
                    connected += Integer.parseInt(words[0]);
                    failed += Integer.parseInt(words[1]);
                }
                double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
                long rssConnectedKib = ProcStats.statusKib(serverPid, "VmRSS");
                log(String.format(Locale.ROOT, "%d connected and subscribed (%d failed) in %.1f s from %d processes"
                                + " over %d source addresses; server RSS %d MiB", connected, failed, connectSeconds,
                        processes, (subscribers + perAddress - 1) / perAddress, mib(rssConnectedKib)));

                // Warm-up, then the measurement window; both by the wall clock that stamps payloads.
                MeasurementWindow window = MeasurementWindow.open(children, warmupSeconds, durationSeconds);
                Thread publishing0 = publishing ? window.startPublishing(publisher, rate, publisherThreads) : null;
                Sampler sampler = new Sampler(server, children);
                sleepUntil(window.startNanos(), sampler);
                Sampler.Point start = sampler.point();
                sleepUntil(window.endNanos(), sampler);
                Sampler.Point end = sampler.point();
                if (publishing0 != null) {
                    publishing0.join();
                    log("published " + publisher.ok.sum() + " (failed " + publisher.failed.sum() + "), last seq "
                            + publisher.lastSeq.get() + "; draining 3 s");
                    Thread.sleep(3_000);
                }

                // Reports.
                long lastSeq = publisher.lastSeq.get();
                List<Map<String, String>> reports = new ArrayList<>();
                for (SubscriberProcess child : children) {
                    child.send("REPORT " + lastSeq);
                    reports.add(SubscriberProcess.parse(child.await("@REPORT", 60)));
                }
                String health = server.get("/health/ready");
                ServerDiagnostics.Memory memory = ServerDiagnostics.run(server.pid(),
                        out.resolve(target + "-nmt-" + scenario + ".txt"), out.resolve(target + "-histogram-" + scenario + ".txt"));
                String loadAfter = ProcStats.loadAverage();
                long[] machineAfter = ProcStats.machineTicks();
                Summary summary = summarize(reports, start, end, connected, failed, connectSeconds, rssStartKib,
                        rssConnectedKib, sampler, publisher, loadBefore, loadAfter, machineBefore, machineAfter,
                        server, health, memory, liveHeapStartKib, window.startMicros(), isBaseline);
                System.out.println();
                System.out.println(summary.markdown);
                Path results = out.resolve("results-" + scenario + ".md");
                Files.writeString(results, summary.markdown + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                log("appended to " + results.toAbsolutePath());
                return new Measured(summary.figures, server.isAlive() ? 0 : 1);
            } finally {
                if (publisher != null) {
                    publisher.close();
                }
                cleanup.run();
                Runtime.getRuntime().removeShutdownHook(cleanup);
            }
        }

        private void sleepUntil(long deadlineNanos, Sampler sampler) throws InterruptedException {
            long lastProgress = 0;
            while (true) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 1_000));
                sampler.sample();
                if (System.nanoTime() - lastProgress > 5_000_000_000L) {
                    lastProgress = System.nanoTime();
                    log(sampler.progress());
                }
            }
        }

        private record Summary(String markdown, Figures figures) {
        }

        private Summary summarize(List<Map<String, String>> reports, Sampler.Point start, Sampler.Point end,
                                  int connected, int failed, double connectSeconds, long rssStartKib,
                                  long rssConnectedKib, Sampler sampler, Publisher publisher, String loadBefore,
                                  String loadAfter, long[] machineBefore, long[] machineAfter, BenchServer server,
                                  String health, ServerDiagnostics.Memory memory, long liveHeapStartKib,
                                  long windowStartMicros, boolean isBaseline) {
            Histogram latency = new Histogram(3_600_000_000L, 3);
            Map<Integer, long[]> perSeq = new TreeMap<>(); // seq -> {receivers, max latency}
            Map<String, Long> totals = new LinkedHashMap<>();
            Map<String, Long> closeCodes = new TreeMap<>();
            for (Map<String, String> report : reports) {
                for (String key : List.of("open", "received", "expected", "missing", "jumps", "duplicates",
                        "windowDelivered", "receivedInWindow", "messages", "frames", "gapFrames", "errorFrames",
                        "pings", "connectRetries", "verified", "verifyFailures")) {
                    totals.merge(key, Long.parseLong(report.get(key)), Long::sum);
                }
                byte[] encoded = Base64.getDecoder().decode(report.get("hist"));
                try {
                    latency.add(Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(encoded), 0));
                } catch (java.util.zip.DataFormatException e) {
                    throw new IllegalStateException(e);
                }
                String seqs = report.get("perSeq");
                if (!"-".equals(seqs)) {
                    for (String entry : seqs.split(",")) {
                        String[] f = entry.split(":");
                        long[] merged = perSeq.computeIfAbsent(Integer.parseInt(f[0]), s -> new long[2]);
                        merged[0] += Long.parseLong(f[1]);
                        merged[1] = Math.max(merged[1], Long.parseLong(f[2]));
                    }
                }
                String codes = report.get("closeCodes");
                if (!"-".equals(codes)) {
                    for (String entry : codes.split(",")) {
                        String[] f = entry.split(":");
                        closeCodes.merge(f[0], Long.parseLong(f[1]), Long::sum);
                    }
                }
            }
            Histogram toLast = new Histogram(3_600_000_000L, 3);
            Histogram[] toLastPerSecond = new Histogram[durationSeconds];
            int incompleteSeqs = 0;
            for (Map.Entry<Integer, long[]> entry : perSeq.entrySet()) {
                long[] seq = entry.getValue();
                if (seq[0] >= connected) {
                    toLast.recordValue(seq[1]);
                    int seqNumber = entry.getKey();
                    long t = seqNumber < publisher.publishedAt.length ? publisher.publishedAt[seqNumber] : 0;
                    int second = (int) ((t - windowStartMicros) / 1_000_000L);
                    if (t > 0 && second >= 0 && second < durationSeconds) {
                        if (toLastPerSecond[second] == null) {
                            toLastPerSecond[second] = new Histogram(3_600_000_000L, 2);
                        }
                        toLastPerSecond[second].recordValue(seq[1]);
                    }
                } else {
                    incompleteSeqs++;
                }
            }
            StringBuilder perSecond = new StringBuilder();
            for (Histogram h : toLastPerSecond) {
                perSecond.append(perSecond.isEmpty() ? "" : " ").append(h == null ? "-" : ms(h, 99));
            }
            double seconds = durationSeconds;
            double windowCpuSeconds = (end.nanos() - start.nanos()) / 1e9;
            double serverCpuSeconds = (end.serverTicks() - start.serverTicks()) / (double) ProcStats.TICKS_PER_SECOND;
            double serverCpu = 100.0 * serverCpuSeconds / windowCpuSeconds;
            double clientCpu = 100.0 * (end.clientTicks() - start.clientTicks()) / ProcStats.TICKS_PER_SECOND / windowCpuSeconds;
            double selfCpu = 100.0 * (end.selfTicks() - start.selfTicks()) / ProcStats.TICKS_PER_SECOND / windowCpuSeconds;
            double machineBusy = 100.0 * Runtime.getRuntime().availableProcessors()
                    * (end.machine()[0] - start.machine()[0]) / Math.max(1, end.machine()[1] - start.machine()[1]);
            double interrupts = 100.0 * Runtime.getRuntime().availableProcessors()
                    * (end.machine()[2] - start.machine()[2]) / Math.max(1, end.machine()[1] - start.machine()[1]);
            double otherCpu = machineBusy - serverCpu - clientCpu - selfCpu - interrupts;
            boolean publishing = rate > 0;
            long publishedInWindow = publisher.okInWindow.sum();
            long expectedInWindow = publishedInWindow * connected;
            long deliveredInWindow = totals.get("windowDelivered");

            StringBuilder md = new StringBuilder();
            String when = DateTimeFormatter.ISO_LOCAL_DATE_TIME.withZone(ZoneOffset.UTC)
                    .format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            md.append("### ").append(scenario).append(isBaseline ? " (baseline: Netty broadcast)" : "")
                    .append(" — ").append(when).append(" UTC\n\n");
            md.append("| scenario | subscribers | publish rate /s (target → achieved) | delivered events/s | p50 ms | p99 ms | p999 ms | max ms "
                    + "| to last subscriber p50/p99/p999 ms | server CPU % of a core | server RSS MiB (end / peak) | losses |\n");
            md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            String losses = "missing " + totals.get("missing") + ", duplicates " + totals.get("duplicates")
                    + ", seq jumps " + totals.get("jumps") + ", gap frames " + totals.get("gapFrames")
                    + ", window " + (expectedInWindow - deliveredInWindow) + " of " + expectedInWindow
                    + (closeCodes.isEmpty() ? "" : ", closes " + closeCodes);
            md.append(String.format(Locale.ROOT, "| %s | %d of %d | %s | %s | %s | %s | %s | %s | %s | %.0f | %d / %d | %s |%n",
                    scenario, connected, subscribers,
                    publishing ? String.format(Locale.ROOT, "%s → %.1f", rate == Math.rint(rate) ? Long.toString((long) rate)
                            : Double.toString(rate), publishedInWindow / seconds) : "0",
                    publishing ? String.format(Locale.ROOT, "%,.0f", deliveredInWindow / seconds) : "-",
                    ms(latency, 50), ms(latency, 99), ms(latency, 99.9),
                    latency.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", latency.getMaxValue() / 1000.0),
                    publishing ? ms(toLast, 50) + " / " + ms(toLast, 99) + " / " + ms(toLast, 99.9) : "-",
                    serverCpu, mib(end.serverRssKib()), mib(sampler.peakRssKib),
                    publishing ? losses : "closes " + (closeCodes.isEmpty() ? "none" : closeCodes.toString())));
            md.append("\n");
            md.append("- Command: `").append(command()).append("` at ").append(gitHead()).append("\n");
            md.append(isBaseline ? "- Baseline server: `" : "- Server: `").append(String.join(" ", serverJvm)).append("`, pid ").append(server.pid())
                    .append(", `").append(String.join(" ", server.command.subList(1, server.command.size())))
                    .append("`\n");
            md.append("- Subscriber processes: ").append(reports.size()).append(" × `")
                    .append(String.join(" ", clientJvm)).append("`, ").append(clientThreads)
                    .append(" I/O threads each, ").append(client.equals("nio") ? "lean NIO WebSocket client" : "JDK WebSocket")
                    .append("; ").append(perAddress)
                    .append(" connections per source address (127.0.0.2 and up); Java ")
                    .append(System.getProperty("java.version")).append("\n");
            md.append(String.format(Locale.ROOT, "- Connect: %d of %d subscribed in %.1f s (%d failed, %d retries); "
                            + "server RSS before %d MiB, after connecting %d MiB, at the end %d MiB, peak (sampled) %d MiB, VmHWM %d MiB%n",
                    connected, subscribers, connectSeconds, failed, totals.get("connectRetries"), mib(rssStartKib),
                    mib(rssConnectedKib), mib(end.serverRssKib()), mib(sampler.peakRssKib),
                    mib(ProcStats.statusKib(server.pid(), "VmHWM"))));
            md.append(String.format(Locale.ROOT, "- Window %d s after %d s warm-up. CPU in the window, %% of one core: server %.0f, "
                            + "subscriber processes %.0f, coordinator+publisher %.0f, "
                            + "interrupts (softirq: loopback networking) %.0f, everything else %.0f; machine busy %.0f of %d00. "
                            + "Server threads %d. Load average before %s, after %s%n",
                    durationSeconds, warmupSeconds, serverCpu, clientCpu, selfCpu, interrupts, Math.max(0, otherCpu), machineBusy,
                    Runtime.getRuntime().availableProcessors(), ProcStats.threads(server.pid()), loadBefore, loadAfter));
            if (publishing) {
                Histogram requests = publisher.requestLatency.getIntervalHistogram();
                md.append(String.format(Locale.ROOT, "- Publisher: %d published in total (%d in the window, %d failed, %d skipped as over 100 ms late, statuses %s), "
                                + "%d-byte payloads, %d threads, %s HTTP client; POST round trip p50 %s ms, p99 %s ms. Last seq %d, subscribers per publish %d%n",
                        publisher.ok.sum(), publishedInWindow, publisher.failed.sum(), publisher.skipped.sum(), new TreeMap<>(publisher.statuses),
                        publisher.payloadBytes(), publisherThreads, publisher.kind(), ms(requests, 50), ms(requests, 99),
                        publisher.lastSeq.get(), publisher.lastSubscribers.get()));
                md.append(String.format(Locale.ROOT, "- Delivered in the window (by publish time): %,d of %,d expected; "
                                + "received by receive time in the window: %,d (%,.0f/s). Latency samples %,d. "
                                + "Publishes that reached every subscriber: %d of %d in the window (%d incomplete)%n",
                        deliveredInWindow, expectedInWindow, totals.get("receivedInWindow"),
                        totals.get("receivedInWindow") / seconds, latency.getTotalCount(), perSeq.size() - incompleteSeqs,
                        perSeq.size(), incompleteSeqs));
                md.append("- Per second of the window: time to the last subscriber, p99 ms: ").append(perSecond)
                        .append("\n");
                md.append(String.format(Locale.ROOT, "- Whole run: %,d events received of %,d expected (missing %d, duplicates %d); "
                                + "%,d WebSocket messages for %,d frames (%.1f frames per message); %d scanner checks with Jackson, %d failed%n",
                        totals.get("received"), totals.get("expected"), totals.get("missing"), totals.get("duplicates"),
                        totals.get("messages"), totals.get("frames"),
                        totals.get("frames") / (double) Math.max(1, totals.get("messages")), totals.get("verified"),
                        totals.get("verifyFailures")));
            }
            md.append("- Per second of the window, CPU % of a core: server ")
                    .append(sampler.timeline(start.nanos(), end.nanos(), Sampler.Use::server))
                    .append("; subscriber processes ").append(sampler.timeline(start.nanos(), end.nanos(), Sampler.Use::clients))
                    .append("; other processes (not the benchmark's) ")
                    .append(sampler.timeline(start.nanos(), end.nanos(), Sampler.Use::others)).append("\n");
            md.append(String.format(Locale.ROOT, "- Still open at the end: %d; pings answered %d; error frames %d; close codes %s%n",
                    totals.get("open"), totals.get("pings"), totals.get("errorFrames"),
                    closeCodes.isEmpty() ? "none" : closeCodes));
            md.append(memory.markdown());
            md.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                    .append(ProcStats.cpuModel()).append("; whole run machine busy ")
                    .append(String.format(Locale.ROOT, "%.0f%%", 100.0 * Runtime.getRuntime().availableProcessors()
                            * (machineAfter[0] - machineBefore[0]) / Math.max(1, machineAfter[1] - machineBefore[1])))
                    .append(" of ").append(Runtime.getRuntime().availableProcessors()).append("00\n");
            if (health != null) {
                md.append("- Server counters after the run (/health/ready): `").append(health.replaceAll("\\s+", ""))
                        .append("`\n");
            }
            long liveHeapPerConnectionBytes = memory.liveHeapKib() < 0 || liveHeapStartKib < 0 || connected == 0 ? -1
                    : (memory.liveHeapKib() - liveHeapStartKib) * 1024 / connected;
            Figures figures = new Figures(publishing ? deliveredInWindow / seconds : Double.NaN,
                    millis(latency, 50), millis(latency, 99),
                    publishing ? millis(toLast, 99) : Double.NaN, serverCpu,
                    deliveredInWindow > 0 ? serverCpuSeconds / (deliveredInWindow / 1e6) : Double.NaN,
                    mib(end.serverRssKib()), liveHeapPerConnectionBytes,
                    totals.get("missing") + totals.get("duplicates") + totals.get("jumps"));
            return new Summary(md.toString(), figures);
        }

        /** The commit measured, from the working directory's git, with "+changes" when the tree is dirty. */
        private static String gitHead() {
            try {
                Process head = new ProcessBuilder("git", "describe", "--always", "--dirty=+changes")
                        .redirectErrorStream(true).start();
                String out = new String(head.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                return head.waitFor() == 0 ? "commit " + out : "an unknown commit";
            } catch (IOException e) {
                return "an unknown commit";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "an unknown commit";
            }
        }

        private String command() {
            StringBuilder command = new StringBuilder("mvn -B -Pbench -pl it-tests -am verify -DskipTests -Dbench.scenario=" + scenario);
            for (String key : List.of("bench.subscribers", "bench.rate", "bench.warmup-s", "bench.duration-s",
                    "bench.payload-bytes", "bench.per-process", "bench.per-address", "bench.client", "bench.client-threads",
                    "bench.publisher", "bench.publisher-threads", "bench.server-props", "bench.baseline", "bench.rounds")) {
                String value = System.getProperty(key);
                if (value != null && !value.isBlank()) {
                    command.append(" -D").append(key).append('=').append(value.contains(" ") ? "'" + value + "'" : value);
                }
            }
            for (String key : List.of("bench.server-jvm", "bench.client-jvm")) {
                String value = System.getProperty(key);
                if (value != null && !value.isBlank() && !value.trim().equals("-Xmx1g")) {
                    command.append(" -D").append(key).append("='").append(value).append('\'');
                }
            }
            return command.toString();
        }
    }

    /** Per-second samples of the server's RSS and of CPU use, and CPU points at the window's ends. */
    private static final class Sampler {
        record Point(long nanos, long serverTicks, long clientTicks, long selfTicks, long[] machine, long serverRssKib) {
        }

        /** CPU use between two points, in % of one core. */
        record Use(long endNanos, double server, double clients, double self, double irq, double others) {
            static Use between(Point a, Point b) {
                double seconds = Math.max(1e-3, (b.nanos() - a.nanos()) / 1e9);
                int cores = Runtime.getRuntime().availableProcessors();
                long ticks = Math.max(1, b.machine()[1] - a.machine()[1]);
                double server = 100.0 * (b.serverTicks() - a.serverTicks()) / ProcStats.TICKS_PER_SECOND / seconds;
                double clients = 100.0 * (b.clientTicks() - a.clientTicks()) / ProcStats.TICKS_PER_SECOND / seconds;
                double self = 100.0 * (b.selfTicks() - a.selfTicks()) / ProcStats.TICKS_PER_SECOND / seconds;
                double machine = 100.0 * cores * (b.machine()[0] - a.machine()[0]) / ticks;
                double irq = 100.0 * cores * (b.machine()[2] - a.machine()[2]) / ticks;
                return new Use(b.nanos(), server, clients, self, irq,
                        Math.max(0, machine - server - clients - self - irq));
            }
        }

        private final BenchServer server;
        private final List<SubscriberProcess> children;
        final List<Use> timeline = new ArrayList<>();
        long peakRssKib;
        private Point previous;
        private Point lastProgress;

        Sampler(BenchServer server, List<SubscriberProcess> children) {
            this.server = server;
            this.children = children;
            this.previous = point();
            this.lastProgress = previous;
        }

        Point point() {
            long clientTicks = 0;
            for (SubscriberProcess child : children) {
                clientTicks += Math.max(0, ProcStats.cpuTicks(child.pid()));
            }
            long rss = ProcStats.statusKib(server.pid(), "VmRSS");
            peakRssKib = Math.max(peakRssKib, rss);
            return new Point(System.nanoTime(), ProcStats.cpuTicks(server.pid()), clientTicks,
                    ProcStats.cpuTicks(ProcessHandle.current().pid()), ProcStats.machineTicks(), rss);
        }

        void sample() {
            Point now = point();
            timeline.add(Use.between(previous, now));
            previous = now;
        }

        /** CPU use per sample that ended in (from, to], formatted as whole percents. */
        String timeline(long fromNanos, long toNanos, java.util.function.ToDoubleFunction<Use> value) {
            StringBuilder line = new StringBuilder();
            for (Use use : timeline) {
                if (use.endNanos() > fromNanos && use.endNanos() <= toNanos + 500_000_000L) {
                    line.append(line.isEmpty() ? "" : " ").append(Math.round(value.applyAsDouble(use)));
                }
            }
            return line.toString();
        }

        String progress() {
            Point now = point();
            Use use = Use.between(lastProgress, now);
            lastProgress = now;
            return String.format(Locale.ROOT, "CPU %% of a core: server %.0f, subscribers %.0f, coordinator %.0f, "
                            + "softirq %.0f, other processes %.0f; server RSS %d MiB",
                    use.server(), use.clients(), use.self(), use.irq(), use.others(), mib(now.serverRssKib()));
        }
    }

    /** A percentile in ms, NaN for an empty histogram. */
    static double millis(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    static String ms(Histogram histogram, double percentile) {
        double millis = millis(histogram, percentile);
        return Double.isNaN(millis) ? "-" : String.format(Locale.ROOT, "%.1f", millis);
    }

    private static long mib(long kib) {
        return kib < 0 ? -1 : Math.round(kib / 1024.0);
    }

    static void log(String message) {
        System.out.println("bench [" + DateTimeFormatter.ISO_LOCAL_TIME.withZone(ZoneOffset.UTC)
                .format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)) + "] " + message);
    }
}
