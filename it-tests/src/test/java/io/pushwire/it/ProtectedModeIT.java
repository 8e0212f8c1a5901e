package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API is not open to the network without a token: the packaged server, started with default
 * settings on all addresses, is called from a second host, a network namespace this test makes with a veth
 * pair of private addresses of its own. That host gets 403 (naming {@code pushwire.admin.token}) for
 * publish, {@code $me} push and stats, while WebSocket upgrades, health and metrics still answer it and
 * loopback callers still reach the API; with a token set, the remote host gets in with the token and
 * gets 401 without it. Needs root and {@code ip} (CI runs as root); where a namespace cannot be made, the
 * test is skipped, saying why.
 */
class ProtectedModeIT {
    private static final String NAMESPACE = "pw-it-" + ProcessHandle.current().pid();
    private static final String HOST_LINK = "pwh" + ProcessHandle.current().pid() % 100_000;
    private static final String NAMESPACE_LINK = "pwn" + ProcessHandle.current().pid() % 100_000;
    private static final int SUBNET = 16 + ThreadLocalRandom.current().nextInt(200);
    /** This host's side of the veth pair: what the remote host dials. */
    private static final String HOST_ADDRESS = "10.213." + SUBNET + ".1";
    private static final String REMOTE_ADDRESS = "10.213." + SUBNET + ".2";

    @BeforeAll
    static void makeARemoteHost() throws Exception {
        Assumptions.assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false),
                "network namespaces need root; this test runs as " + ProcessHandle.current().info().user().orElse("?"));
        CommandRun probe = run("ip", "netns", "add", NAMESPACE);
        Assumptions.assumeTrue(probe.exitCode() == 0, "cannot make a network namespace here: " + probe.output());
        must("ip", "link", "add", HOST_LINK, "type", "veth", "peer", "name", NAMESPACE_LINK);
        must("ip", "link", "set", NAMESPACE_LINK, "netns", NAMESPACE);
        must("ip", "addr", "add", HOST_ADDRESS + "/30", "dev", HOST_LINK);
        must("ip", "link", "set", HOST_LINK, "up");
        must("ip", "netns", "exec", NAMESPACE, "ip", "addr", "add", REMOTE_ADDRESS + "/30", "dev", NAMESPACE_LINK);
        must("ip", "netns", "exec", NAMESPACE, "ip", "link", "set", NAMESPACE_LINK, "up");
        must("ip", "netns", "exec", NAMESPACE, "ip", "link", "set", "lo", "up");
    }

    @AfterAll
    static void removeIt() throws Exception {
        run("ip", "link", "del", HOST_LINK);
        run("ip", "netns", "del", NAMESPACE);
    }

    @Test
    void withoutATokenTheApiAnswersOnlyLoopbackAndTheRestStaysOpen() throws Exception {
        try (ServerProcess server = ServerProcess.start("protected-mode", Map.of("server.host", "0.0.0.0"))) {
            String base = "http://" + HOST_ADDRESS + ":" + server.port();

            for (CommandRun refused : List.of(
                    remote("-X", "POST", "-H", "Content-Type: application/json", "--data", "{\"x\":1}",
                            base + "/api/channels/app.evil/events"),
                    remote("-X", "POST", "-H", "Content-Type: application/json", "--data", "{\"x\":1}",
                            base + "/api/sessions/SOMECLIENTID/events"),
                    remote(base + "/api/stats"))) {
                assertEquals("403", httpStatus(refused), refused.output());
                assertTrue(body(refused).contains("\"code\":\"forbidden\"") && body(refused).contains("pushwire.admin.token"),
                        refused.output());
            }
            assertEquals("200", httpStatus(remote(base + "/health/ready")), "health is not the API");
            assertEquals("200", httpStatus(remote(base + "/metrics")), "metrics are not the API");
            CommandRun upgrade = remote("-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13",
                    "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "-H", "Sec-WebSocket-Protocol: pushwire.v1",
                    "--max-time", "2", base + "/ws");
            assertEquals("101", httpStatus(upgrade), "WebSocket clients are not the API: " + upgrade.output());

            assertEquals(200, server.post("/api/channels/app.fine/events", "{\"x\":1}").statusCode(), "loopback still publishes");
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> viaProxy = http.send(HttpRequest.newBuilder(server.httpUri("/api/stats"))
                        .header("X-Forwarded-For", REMOTE_ADDRESS).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(403, viaProxy.statusCode(), "a proxy on this host does not make its callers local: "
                        + viaProxy.body());
            }
            assertEquals(200, server.get("/api/stats").statusCode());
            assertTrue(Files.readString(server.log()).contains("the HTTP API (/api) answers only loopback callers until"
                    + " pushwire.admin.token is set"), "the start-up warning says what is open to whom");
        }
    }

    @Test
    void withATokenTheRemoteHostNeedsIt() throws Exception {
        try (ServerProcess server = ServerProcess.start("protected-mode-token",
                Map.of("server.host", "0.0.0.0", "pushwire.admin.token", "s3cret-for-the-test"))) {
            String url = "http://" + HOST_ADDRESS + ":" + server.port() + "/api/channels/app.remote/events";

            CommandRun withToken = remote("-X", "POST", "-H", "Authorization: Bearer s3cret-for-the-test",
                    "-H", "Content-Type: application/json", "--data", "{\"x\":1}", url);
            assertEquals("200", httpStatus(withToken), withToken.output());
            assertTrue(body(withToken).contains("\"seq\""), withToken.output());
            CommandRun withoutToken = remote("-X", "POST", "-H", "Content-Type: application/json", "--data", "{\"x\":1}", url);
            assertEquals("401", httpStatus(withoutToken), withoutToken.output());
            CommandRun stats = remote("http://" + HOST_ADDRESS + ":" + server.port() + "/api/stats");
            assertEquals("401", httpStatus(stats), stats.output());
        }
    }

    /** curl from inside the namespace: the body, then the status on a line of its own. */
    private static CommandRun remote(String... curlArguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", NAMESPACE, "curl", "-s", "-o", "-",
                "-w", "\n%{http_code}", "--max-time", "10"));
        command.addAll(List.of(curlArguments));
        return run(command.toArray(String[]::new));
    }

    private static void must(String... command) throws Exception {
        CommandRun result = run(command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + result.output());
        }
    }

    private static CommandRun run(String... command) throws IOException, InterruptedException {
        return CommandRun.of(new ProcessBuilder(command), "", Duration.ofSeconds(30));
    }

    /** A curl run's HTTP status: the last line of its output, by {@code -w}. */
    private static String httpStatus(CommandRun curl) {
        return curl.output().substring(curl.output().lastIndexOf('\n') + 1).trim();
    }

    /** A curl run's body: its output without the status line. */
    private static String body(CommandRun curl) {
        int last = curl.output().lastIndexOf('\n');
        return last < 0 ? curl.output() : curl.output().substring(0, last);
    }
}
