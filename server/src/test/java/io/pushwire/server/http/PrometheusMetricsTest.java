package io.pushwire.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.server.core.PushServer;
import io.pushwire.server.core.ServerConfig;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The JVM's families come from the Prometheus client's instrumentation, sit beside Pushwire's in one
 * scrape, and share none of their sample names.
 */
class PrometheusMetricsTest {
    /** What operators look for first: heap and non-heap, GC pauses, threads, CPU, file descriptors. */
    private static final List<String> JVM_FAMILIES = List.of("jvm_memory_used_bytes", "jvm_memory_max_bytes",
            "jvm_memory_pool_used_bytes", "jvm_gc_collection_seconds", "jvm_threads_current", "jvm_threads_state",
            "process_cpu_seconds", "process_open_fds", "process_max_fds", "process_resident_memory_bytes");

    @Test
    void aScrapeHoldsTheJvmFamiliesBesidePushwiresWithNoNameInCommon() {
        PrometheusRegistry jvm = PrometheusMetrics.jvmRegistry();
        try (PushServer server = new PushServer(ServerConfig.builder().build(), new FrameCodec(), InstantSource.system())) {
            PrometheusMetrics metrics = new PrometheusMetrics(server, List.of(), jvm);
            Set<String> pushwire = sampleNames(metrics.snapshots());
            Set<String> jvmNames = sampleNames(jvm.scrape());

            Set<String> families = new TreeSet<>();
            jvm.scrape().forEach(family -> families.add(family.getMetadata().getPrometheusName()));
            assertTrue(families.containsAll(JVM_FAMILIES), "JVM families: " + families);
            Set<String> shared = new TreeSet<>(pushwire);
            shared.retainAll(jvmNames);
            assertEquals(Set.of(), shared, "sample names both Pushwire and the JVM instrumentation export");
            assertTrue(jvmNames.stream().noneMatch(name -> name.startsWith("pushwire_")), jvmNames.toString());

            String scrape = metrics.scrape();
            List<String> types = scrape.lines().filter(line -> line.startsWith("# TYPE ")).toList();
            assertEquals(types.size(), new HashSet<>(types).size(), "one TYPE line per family");
            for (String name : List.of("pushwire_connections", "jvm_memory_used_bytes{area=\"heap\"}",
                    "jvm_memory_used_bytes{area=\"nonheap\"}", "jvm_gc_collection_seconds_count{", "jvm_threads_current",
                    "process_cpu_seconds_total", "process_open_fds")) {
                assertTrue(scrape.contains("\n" + name), name + " missing from:\n" + scrape);
            }
        }
    }

    /** The names a family's samples carry in the text format. */
    private static Set<String> sampleNames(Iterable<MetricSnapshot> families) {
        Set<String> names = new TreeSet<>();
        for (MetricSnapshot family : families) {
            String name = family.getMetadata().getPrometheusName();
            List<String> suffixes = switch (family) {
                case CounterSnapshot counter -> List.of("_total", "_created");
                case HistogramSnapshot histogram -> List.of("_bucket", "_sum", "_count", "_created");
                case SummarySnapshot summary -> List.of("", "_sum", "_count", "_created");
                case InfoSnapshot info -> List.of("_info");
                default -> List.of("");
            };
            suffixes.forEach(suffix -> names.add(name + suffix));
        }
        return names;
    }
}
