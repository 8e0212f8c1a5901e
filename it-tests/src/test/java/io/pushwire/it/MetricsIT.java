package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /metrics} scrapes cleanly: the Prometheus text format line by line, every family the
 * operations guide lists, the JVM's and the process's families, histograms whose buckets add up, figures
 * that move with the traffic, and nothing that {@code promtool check metrics} objects to.
 */
@ExtendWith(SharedServer.class)
class MetricsIT {
    /** A sample line: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\")*})? "
                    + "(-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?|NaN|\\+Inf|-Inf)");
    private static final Pattern META = Pattern.compile("# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) .+");

    static final List<String> FAMILIES = List.of(
            "pushwire_connections", "pushwire_connections_opened_total", "pushwire_connections_closed_total",
            "pushwire_handshakes_rejected_total", "pushwire_sessions", "pushwire_sessions_attached",
            "pushwire_sessions_resumed_total", "pushwire_sessions_resume_failed_total", "pushwire_sessions_expired_total",
            "pushwire_events_published_total", "pushwire_events_fanned_out_total", "pushwire_events_delivered_total", "pushwire_frames_out_total",
            "pushwire_messages_out_total", "pushwire_batch_frames_bucket", "pushwire_queued_bytes",
            "pushwire_events_dropped_total", "pushwire_gaps_announced_total", "pushwire_events_conflated_total",
            "pushwire_rate_limited_total", "pushwire_heartbeat_timeouts_total", "pushwire_publish_to_write_seconds_bucket",
            "pushwire_feed_connected", "pushwire_feed_reconnects_total", "pushwire_feed_last_message_age_seconds",
            "pushwire_feed_gaps_total", "pushwire_hellos_unauthorized_total", "pushwire_tokens_expired_total",
            "pushwire_broker_up", "pushwire_broker_repaired_entries_total", "pushwire_feed_leading",
            "pushwire_sessions_resumed_from_other_node_total", "pushwire_sessions_taken_by_other_node_total");

    /** From the Prometheus client's JVM instrumentation: heap and non-heap, GC pauses, threads, CPU, descriptors. */
    static final List<String> JVM_FAMILIES = List.of("jvm_memory_used_bytes", "jvm_memory_committed_bytes",
            "jvm_memory_max_bytes", "jvm_memory_pool_used_bytes", "jvm_gc_collection_seconds_count",
            "jvm_gc_collection_seconds_sum", "jvm_threads_current", "jvm_threads_daemon", "jvm_threads_state",
            "jvm_classes_currently_loaded", "jvm_buffer_pool_used_bytes", "process_cpu_seconds_total",
            "process_open_fds", "process_max_fds", "process_resident_memory_bytes", "process_start_time_seconds");

    @Test
    void aScrapeIsValidPrometheusTextWithEveryFamily(ServerProcess server) throws Exception {
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            client.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"sim.trades.BTC-USDT\"}");
            client.nextOfType("subscribed");
            client.nextOfType("event");
            client.closeWith(1000);
            client.awaitClose(5);
        }

        HttpResponse<String> response = server.get("/metrics");

        assertEquals(200, response.statusCode());
        String type = response.headers().firstValue("Content-Type").orElse("").replace(" ", "");
        assertTrue(type.startsWith("text/plain;") && type.contains("version=0.0.4"), type);
        Map<String, List<Double>> samples = parse(response.body());
        for (String family : FAMILIES) {
            assertTrue(samples.containsKey(family), family + " missing from:\n" + response.body());
        }
        assertTrue(first(samples, "pushwire_events_published_total") > 0);
        assertTrue(first(samples, "pushwire_publish_to_write_seconds_count") >= 1, "the event this test received");
        assertTrue(first(samples, "pushwire_events_delivered_total") >= 1, "the event this test received");
        assertEquals(1.0, samples.get("pushwire_feed_connected").get(0), "the simulated feed delivers");
        assertTrue(response.body().contains("pushwire_connections_closed_total{code=\"1000\"}"), response.body());
        assertTrue(response.body().contains("pushwire_feed_connected{feed=\"sim\"} 1.0"), response.body());
        assertHistogramAddsUp(response.body(), "pushwire_batch_frames");
        assertHistogramAddsUp(response.body(), "pushwire_publish_to_write_seconds");
    }

    @Test
    void theJvmAndTheProcessReportThemselves(ServerProcess server) throws Exception {
        String body = server.get("/metrics").body();

        Map<String, List<Double>> samples = parse(body);
        for (String family : JVM_FAMILIES) {
            assertTrue(samples.containsKey(family), family + " missing from:\n" + body);
        }
        assertTrue(body.contains("jvm_memory_used_bytes{area=\"heap\"}"), body);
        assertTrue(body.contains("jvm_memory_used_bytes{area=\"nonheap\"}"), body);
        assertTrue(first(samples, "process_open_fds") > 0, "the server's sockets and jars are open files");
        assertTrue(first(samples, "process_cpu_seconds_total") > 0, "starting took CPU time");
        assertTrue(first(samples, "jvm_threads_current") > 0);
    }

    @Test
    void promtoolFindsNothingToLintInAScrape(ServerProcess server) throws Exception {
        PrometheusTools.require("promtool");
        String body = server.get("/metrics").body();

        CommandRun check = PrometheusTools.promtool(Path.of("."), body, "check", "metrics");

        assertEquals(0, check.exitCode(), check.output());
        assertEquals("", check.output().strip(), "promtool's complaints");
    }

    /** Buckets are cumulative, ascending, and the {@code +Inf} bucket equals the count. */
    private static void assertHistogramAddsUp(String body, String name) {
        Matcher bucket = Pattern.compile(name + "_bucket\\{le=\"([^\"]+)\"} ([0-9.eE+-]+)").matcher(body);
        double previous = 0;
        double infinite = -1;
        while (bucket.find()) {
            double value = Double.parseDouble(bucket.group(2));
            assertTrue(value >= previous, name + " buckets must be cumulative");
            previous = value;
            if (bucket.group(1).equals("+Inf")) {
                infinite = value;
            }
        }
        Matcher count = Pattern.compile(name + "_count ([0-9.eE+-]+)").matcher(body);
        assertTrue(count.find(), name + "_count missing");
        assertEquals(Double.parseDouble(count.group(1)), infinite, name + ": +Inf bucket vs count");
    }

    private static double first(Map<String, List<Double>> samples, String name) {
        List<Double> values = samples.get(name);
        assertTrue(values != null && !values.isEmpty(), name + " missing");
        return values.get(0);
    }

    /** Every line is a HELP/TYPE comment or a sample; returns the samples' values by name. */
    static Map<String, List<Double>> parse(String body) {
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                if (!META.matcher(line).matches()) {
                    fail("not a HELP or TYPE line: " + line);
                }
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                fail("not a Prometheus sample line: " + line);
            }
            String value = sample.group(4);
            double parsed = switch (value) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(value);
            };
            samples.computeIfAbsent(sample.group(1), n -> new ArrayList<>()).add(parsed);
        }
        return samples;
    }
}
