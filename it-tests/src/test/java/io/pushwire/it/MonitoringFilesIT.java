package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pushwire.server.docs.Markdown;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The monitoring files this repository ships: the alert rules pass {@code promtool check rules} and their
 * own unit tests ({@code promtool test rules}) and OPERATIONS.md's alert table agrees with them, the Grafana dashboard is importable (one datasource
 * variable, unique panel ids, every panel on it), and every metric the rules and the dashboard query is
 * in a real scrape of the packaged server.
 */
@ExtendWith(SharedServer.class)
class MonitoringFilesIT {
    static final Path RULES_DIRECTORY = Path.of("../docs/prometheus").toAbsolutePath().normalize();
    static final Path RULES = RULES_DIRECTORY.resolve("pushwire-alerts.yml");
    static final Path DASHBOARD = Path.of("../docs/grafana/pushwire.json").toAbsolutePath().normalize();
    /** Series Prometheus makes for every target itself, not the server. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");
    private static final Pattern EXPR = Pattern.compile("(?m)^\\s+expr:\\s*(.+)$");
    private static final Pattern ALERT = Pattern.compile("(?m)^\\s+- alert:\\s*(\\S+)\\s*$");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void promtoolChecksTheRulesAndTheirUnitTestsPass() throws Exception {
        CommandRun check = PrometheusTools.promtool(RULES_DIRECTORY, "", "check", "rules", RULES.toString());
        assertEquals(0, check.exitCode(), check.output());
        assertTrue(check.output().contains("SUCCESS: " + alerts().size() + " rules found"), check.output());

        CommandRun test = PrometheusTools.promtool(RULES_DIRECTORY, "", "test", "rules", "pushwire-alerts.test.yml");
        assertEquals(0, test.exitCode(), test.output());
        String tests = Files.readString(RULES_DIRECTORY.resolve("pushwire-alerts.test.yml"));
        for (String alert : alerts().keySet()) {
            assertTrue(tests.contains("alertname: " + alert), alert + " has no unit test in pushwire-alerts.test.yml");
        }
    }

    @Test
    void theOperationsGuideListsEveryAlertWithItsDelayAndSeverity() throws IOException {
        Map<String, String> documented = new TreeMap<>();
        for (List<String> row : Markdown.table("docs/OPERATIONS.md", "### Alerts")) {
            String delay = row.get(1).equals("—") ? "0s" : row.get(1);
            documented.put(Markdown.code(row.get(0)).get(0), delay + " " + row.get(2));
        }
        Map<String, String> shipped = new TreeMap<>();
        String rules = Files.readString(RULES);
        for (String block : rules.split("(?m)^\\s+- alert:")) {
            Matcher name = Pattern.compile("^\\s*(\\S+)").matcher(block);
            if (!block.contains("expr:") || !name.find()) {
                continue;
            }
            Matcher delay = Pattern.compile("(?m)^\\s+for:\\s*(\\S+)").matcher(block);
            Matcher severity = Pattern.compile("(?m)^\\s+severity:\\s*(\\S+)").matcher(block);
            assertTrue(severity.find(), name.group(1) + " has no severity");
            shipped.put(name.group(1), (delay.find() ? delay.group(1) : "0s") + " " + severity.group(1));
        }

        assertEquals(shipped, documented, "OPERATIONS.md's alert table against " + RULES);
        assertEquals(alerts().keySet(), shipped.keySet());
    }

    @Test
    void theDashboardIsImportableWithOneDatasourceVariable() throws IOException {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());

        assertEquals("pushwire", dashboard.path("uid").asText());
        List<String> datasources = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(variable -> {
            if (variable.path("type").asText().equals("datasource")) {
                datasources.add(variable.path("name").asText() + ":" + variable.path("query").asText());
            }
        });
        assertEquals(List.of("DS_PROMETHEUS:prometheus"), datasources);
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertTrue(ids.add(panel.path("id").asInt()), "panel id " + panel.path("id") + " twice");
            JsonNode position = panel.path("gridPos");
            assertTrue(position.path("w").asInt() > 0 && position.path("x").asInt() + position.path("w").asInt() <= 24,
                    panel.path("title") + ": " + position);
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertEquals("${DS_PROMETHEUS}", panel.path("datasource").path("uid").asText(), panel.path("title").asText());
            assertFalse(panel.path("targets").isEmpty(), panel.path("title") + " has no query");
            for (JsonNode target : panel.path("targets")) {
                assertEquals("${DS_PROMETHEUS}", target.path("datasource").path("uid").asText(), panel.path("title").asText());
            }
        }
    }

    @Test
    void everyMetricTheRulesAndTheDashboardQueryIsInAScrape(ServerProcess server) throws Exception {
        // A closed connection, so that the close-code family has a sample.
        try (RawClient client = RawClient.connect(server)) {
            client.hello();
            client.closeWith(1000);
            client.awaitClose(5);
        }
        Set<String> scraped = MetricsIT.parse(server.get("/metrics").body()).keySet();

        Map<String, String> queries = new LinkedHashMap<>(alerts());
        queries.putAll(dashboardQueries());
        for (Map.Entry<String, String> query : queries.entrySet()) {
            Set<String> names = PromQl.metricNames(query.getValue());
            assertFalse(names.isEmpty(), query.getKey() + " names no metric: " + query.getValue());
            Set<String> unknown = new TreeSet<>(names);
            unknown.removeAll(scraped);
            unknown.removeAll(PROMETHEUS_OWN);
            assertEquals(Set.of(), unknown, query.getKey() + ": " + query.getValue());
        }
    }

    /** The shipped alerts: name to expression, in file order. */
    static Map<String, String> alerts() throws IOException {
        String rules = Files.readString(RULES);
        List<String> names = ALERT.matcher(rules).results().map(m -> m.group(1)).toList();
        List<String> expressions = EXPR.matcher(rules).results().map(m -> m.group(1).strip()).toList();
        assertEquals(names.size(), expressions.size(), "one single-line expr per alert in " + RULES);
        Map<String, String> alerts = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            alerts.put(names.get(i), expressions.get(i));
        }
        return alerts;
    }

    /**
     * Every query of the dashboard, keyed by where it is ({@code panel title / refId}, {@code variable name}),
     * as Grafana has it, variables included.
     */
    static Map<String, String> dashboardQueries() throws IOException {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.put(panel.path("title").asText() + " / " + target.path("refId").asText(), target.path("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                queries.put("variable " + variable.path("name").asText(), variable.path("query").path("query").asText());
            }
        }
        return queries;
    }

    /** Grafana's variables as the dashboard's "All" and a short interval turn them into PromQL. */
    static String withVariablesExpanded(String query) {
        Matcher labelValues = Pattern.compile("^label_values\\((.*),\\s*\\w+\\)$").matcher(query);
        String promql = labelValues.matches() ? labelValues.group(1) : query;
        return promql.replace("$__rate_interval", "1m").replace("$job", ".*").replace("$instance", ".*");
    }
}
