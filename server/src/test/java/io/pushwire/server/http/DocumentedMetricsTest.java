package io.pushwire.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.server.core.Counter;
import io.pushwire.server.core.PushServer;
import io.pushwire.server.core.ServerConfig;
import io.pushwire.server.docs.Markdown;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * OPERATIONS.md documents what the server exports: its metrics table lists every family a scrape holds,
 * with its type, and no other; its Health section names every counter of {@code /health/ready} and
 * {@code /api/stats}.
 */
class DocumentedMetricsTest {
    private static final String OPERATIONS = "docs/OPERATIONS.md";

    @Test
    void theMetricsTableListsEveryFamilyWithItsTypeAndNoOther() {
        Map<String, String> documented = new TreeMap<>();
        for (List<String> row : Markdown.table(OPERATIONS, "## Metrics")) {
            for (String family : Markdown.code(row.get(0))) {
                documented.put(family.replaceAll("\\{.*}", ""), row.get(1));
            }
        }
        Map<String, String> exported = new TreeMap<>();
        try (PushServer server = new PushServer(ServerConfig.builder().build(), new FrameCodec(), InstantSource.system())) {
            for (MetricSnapshot family : new PrometheusMetrics(server, List.of(), new PrometheusRegistry()).snapshots()) {
                String name = family.getMetadata().getPrometheusName();
                switch (family) {
                    case CounterSnapshot counter -> exported.put(name + "_total", "counter");
                    case GaugeSnapshot gauge -> exported.put(name, "gauge");
                    case HistogramSnapshot histogram -> exported.put(name, "histogram");
                    default -> throw new AssertionError("a family of an undocumented kind: " + name);
                }
            }
        }

        assertEquals(Map.of(), without(exported, documented), "exported, but not so in OPERATIONS.md's metrics table");
        assertEquals(Map.of(), without(documented, exported), "in OPERATIONS.md's metrics table, but not so exported");
    }

    private static Map<String, String> without(Map<String, String> these, Map<String, String> those) {
        Map<String, String> left = new TreeMap<>(these);
        left.entrySet().removeAll(those.entrySet());
        return left;
    }

    @Test
    void theHealthSectionNamesEveryCounter() {
        String health = String.join("\n", Markdown.section(OPERATIONS, "## Health"));
        for (Counter counter : Counter.values()) {
            assertTrue(health.contains("`" + counter.key() + "`"), counter.key() + " is not in OPERATIONS.md's Health section");
        }
        assertTrue(health.contains("`meanBatchSizeX100`"));
    }
}
