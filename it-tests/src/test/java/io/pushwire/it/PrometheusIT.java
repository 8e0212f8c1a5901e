package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.it.exchange.FakeBinance;
import io.pushwire.it.exchange.ScriptedTrading;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real Prometheus (Debian's package, its own process on a free loopback port) scrapes the packaged
 * server every second and evaluates the shipped alert rules as they are: it sees the server up, its
 * connection and delivery series move with real clients, answers every dashboard and rule query without
 * an error, fires {@code PushwireSlowConsumers} when a client that never reads is closed 4001, and puts
 * {@code PushwireFeedDown} pending for the one feed whose fake exchange refuses every reconnect. Skipped,
 * naming the package, where {@code prometheus} is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusIT {
    private static final String STREAM = FakeBinance.tradeStream("BTCUSDT");

    private FakeBinance binance;
    private ScriptedTrading trading;
    private ServerProcess server;
    private PrometheusProcess prometheus;

    @BeforeAll
    void start() throws Exception {
        PrometheusTools.require("prometheus");
        binance = new FakeBinance();
        server = ServerProcess.start("prometheus-target", Map.of(
                "pushwire.feeds.simulated.rate", "50",
                "pushwire.feeds.binance.enabled", "true",
                "pushwire.feeds.binance.url", binance.uri("/stream").toString(),
                "pushwire.feeds.binance.symbols", "BTC-USDT",
                "pushwire.feeds.binance.backoff-initial-ms", "200",
                "pushwire.feeds.binance.backoff-max-ms", "1000"));
        binance.awaitSubscribed(STREAM, Duration.ofSeconds(10));
        trading = binance.startTrading(List.of("BTCUSDT"), 10);
        prometheus = PrometheusProcess.start("prometheus-it", server, List.of(MonitoringFilesIT.RULES));
    }

    @AfterAll
    void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (trading != null) {
            trading.close();
        }
        if (server != null) {
            server.close();
        }
        if (binance != null) {
            binance.close();
        }
    }

    @Test
    @Order(1)
    void prometheusScrapesTheServer() throws Exception {
        await(Duration.ofSeconds(20), "up{job=\"pushwire\"} == 1", () -> prometheus.value("up{job=\"pushwire\"}") == 1);
        await(Duration.ofSeconds(10), "both feeds connected", () ->
                prometheus.value("pushwire_feed_connected{feed=\"binance\"}") == 1
                        && prometheus.value("pushwire_feed_connected{feed=\"sim\"}") == 1);
        JsonNode targets = prometheus.api("/api/v1/targets").path("data").path("activeTargets");
        assertEquals(1, targets.size(), targets.toString());
        assertEquals("up", targets.get(0).path("health").asText(), targets.toString());
        assertEquals("", targets.get(0).path("lastError").asText(), targets.toString());
        assertTrue(prometheus.value("jvm_memory_used_bytes{job=\"pushwire\", area=\"heap\"}") > 0, "the JVM's heap");
    }

    @Test
    @Order(2)
    void connectionsAndDeliveriesMoveWithClients() throws Exception {
        double delivered = prometheus.value("pushwire_events_delivered_total{job=\"pushwire\"}");
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RawClient client = RawClient.connect(server);
                clients.add(client);
                client.hello();
                client.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"sim.trades.BTC-USDT\"}");
                client.nextOfType("subscribed");
                client.nextOfType("event");
            }
            await(Duration.ofSeconds(10), "pushwire_connections == 3",
                    () -> prometheus.value("pushwire_connections{job=\"pushwire\"}") == 3);
            await(Duration.ofSeconds(10), "pushwire_sessions_attached == 3",
                    () -> prometheus.value("pushwire_sessions_attached{job=\"pushwire\"}") == 3);
            await(Duration.ofSeconds(10), "deliveries to the three clients", () ->
                    prometheus.value("pushwire_events_delivered_total{job=\"pushwire\"}") >= delivered + 30
                            && prometheus.value("rate(pushwire_events_delivered_total{job=\"pushwire\"}[10s])") > 0);
        } finally {
            for (RawClient client : clients) {
                client.closeWith(1000);
                client.awaitClose(5);
            }
        }
        await(Duration.ofSeconds(10), "pushwire_connections == 0 once they left",
                () -> prometheus.value("pushwire_connections{job=\"pushwire\"}") == 0);
        assertTrue(prometheus.value("pushwire_connections_closed_total{job=\"pushwire\", code=\"1000\"}") >= 3);
        // The code's series begins with these closes: a rate needs a second sample of it.
        await(Duration.ofSeconds(10), "closes by code as a rate", () -> !Double.isNaN(
                prometheus.value("rate(pushwire_connections_closed_total{job=\"pushwire\", code=\"1000\"}[1m])")));
        assertTrue(prometheus.value("pushwire_publish_to_write_seconds_count{job=\"pushwire\"}") >= 3);
    }

    @Test
    @Order(3)
    void everyDashboardQueryAnswersWithDataAndEveryRuleQueryWithoutError() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, String> query : MonitoringFilesIT.dashboardQueries().entrySet()) {
            String promql = MonitoringFilesIT.withVariablesExpanded(query.getValue());
            JsonNode answer = prometheus.query(promql);
            if (!answer.path("status").asText().equals("success")) {
                failures.add(query.getKey() + ": " + promql + " -> " + answer);
            } else if (answer.path("data").path("result").isEmpty()) {
                failures.add(query.getKey() + ": " + promql + " -> no series");
            }
        }
        for (Map.Entry<String, String> rule : MonitoringFilesIT.alerts().entrySet()) {
            JsonNode answer = prometheus.query(rule.getValue());
            if (!answer.path("status").asText().equals("success")) {
                failures.add(rule.getKey() + ": " + rule.getValue() + " -> " + answer);
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    @Order(4)
    void theShippedRulesAreLoadedHealthyAndQuiet() throws Exception {
        Set<String> expected = MonitoringFilesIT.alerts().keySet();
        await(Duration.ofSeconds(10), "every rule evaluated", () -> loadedRules().size() == expected.size()
                && loadedRules().stream().allMatch(rule -> rule.path("health").asText().equals("ok")));
        Set<String> loaded = new TreeSet<>();
        loadedRules().forEach(rule -> loaded.add(rule.path("name").asText()));
        assertEquals(new TreeSet<>(expected), loaded);
        assertEquals(List.of(), activeAlerts(), "nothing is wrong yet");
    }

    @Test
    @Order(5)
    void aSlowConsumerFiresPushwireSlowConsumers() throws Exception {
        NonReader.Outcome nonReader = NonReader.starve(server, InetAddress.getLoopbackAddress(), "prom.firehose");
        assertTrue(nonReader.closedByServer(), "the non-reader was closed 4001: " + nonReader);

        await(Duration.ofSeconds(20), "PushwireSlowConsumers firing", () -> alert("PushwireSlowConsumers", "firing") != null);
        JsonNode firing = alert("PushwireSlowConsumers", "firing");
        assertEquals("warning", firing.path("labels").path("severity").asText(), firing.toString());
    }

    /**
     * The feed-down rule on live data: its expression turns true (the alert goes pending) when a required
     * exchange refuses every reconnect, for that feed alone. That it fires only after its {@code for: 1m}
     * is Prometheus's part, which the rules' unit tests ({@code promtool test rules}) hold to the minute
     * without a minute's wait.
     */
    @Test
    @Order(6)
    void anExchangeThatRefusesEveryReconnectPutsPushwireFeedDownPending() throws Exception {
        binance.refuse(503, 100_000);
        binance.resetAll();

        await(Duration.ofSeconds(15), "PushwireFeedDown pending", () -> alert("PushwireFeedDown", "pending") != null);
        JsonNode pending = alert("PushwireFeedDown", "pending");
        assertEquals("binance", pending.path("labels").path("feed").asText(), pending.toString());
        assertEquals("critical", pending.path("labels").path("severity").asText(), pending.toString());
        for (JsonNode alert : activeAlerts()) {
            if (alert.path("labels").path("alertname").asText().equals("PushwireFeedDown")) {
                assertEquals("binance", alert.path("labels").path("feed").asText(), "only the binance feed is down: " + alert);
            }
        }
    }

    private JsonNode alert(String name, String state) throws Exception {
        for (JsonNode alert : activeAlerts()) {
            if (alert.path("labels").path("alertname").asText().equals(name) && alert.path("state").asText().equals(state)) {
                return alert;
            }
        }
        return null;
    }

    private List<JsonNode> activeAlerts() throws Exception {
        List<JsonNode> alerts = new ArrayList<>();
        prometheus.api("/api/v1/alerts").path("data").path("alerts").forEach(alerts::add);
        return alerts;
    }

    private List<JsonNode> loadedRules() throws Exception {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : prometheus.api("/api/v1/rules").path("data").path("groups")) {
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private void await(Duration timeout, String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for " + what + "; Prometheus log:\n" + prometheus.tail());
            }
            Thread.sleep(250);
        }
    }
}
