package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
        Result probe = run("ip", "netns", "add", NAMESPACE);
        Assumptions.assumeTrue(probe.exit() == 0, "cannot make a network namespace here: " + probe.output());
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

            for (Result refused : List.of(
                    remote("-X", "POST", "-H", "Content-Type: application/json", "--data", "{\"x\":1}",
                            base + "/api/channels/app.evil/events"),
                    remote("-X", "POST", "-H", "Content-Type: application/json", "--data", "{\"x\":1}",
                            base + "/api/sessions/SOMECLIENTID/events"),
                    remote(base + "/api/stats"))) {
                assertEquals("403", refused.httpStatus(), refused.output());
                assertTrue(refused.body().contains("\"code\":\"forbidden\"") && refused.body().contains("pushwire.admin.token"),
                        refused.output());
            }
            assertEquals("200", remote(base + "/health/ready").httpStatus(), "health is not the API");
            assertEquals("200", remote(base + "/metrics").httpStatus(), "metrics are not the API");
            Result upgrade = remote("-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13",
                    "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "-H", "Sec-WebSocket-Protocol: pushwire.v1",
                    "--max-time", "2", base + "/ws");
            assertEquals("101", upgrade.httpStatus(), "WebSocket clients are not the API: " + upgrade.output());

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

            Result withToken = remote("-X", "POST", "-H", "Authorization: Bearer s3cret-for-the-test",
                    "-H", "Content-Type: application/json", "--data", "{\"x\":1}", url);
            assertEquals("200", withToken.httpStatus(), withToken.output());
            assertTrue(withToken.body().contains("\"seq\""), withToken.output());
            Result withoutToken = remote("-X", "POST", "-H", "Content-Type: application/json", "--data", "{\"x\":1}", url);
            assertEquals("401", withoutToken.httpStatus(), withoutToken.output());
            Result stats = remote("http://" + HOST_ADDRESS + ":" + server.port() + "/api/stats");
            assertEquals("401", stats.httpStatus(), stats.output());
        }
    }

    /** curl from inside the namespace: the body, then the status on a line of its own. */
    private static Result remote(String... curlArguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", NAMESPACE, "curl", "-s", "-o", "-",
                "-w", "\n%{http_code}", "--max-time", "10"));
        command.addAll(List.of(curlArguments));
        return run(command.toArray(String[]::new));
    }

    private static void must(String... command) throws Exception {
        Result result = run(command);
        if (result.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + result.output());
        }
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within 30 s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** A command's exit status and output; for curl, the output ends with the HTTP status on its own line. */
    private record Result(int exit, String output) {
        String httpStatus() {
            return output.substring(output.lastIndexOf('\n') + 1).trim();
        }

        String body() {
            int last = output.lastIndexOf('\n');
            return last < 0 ? output : output.substring(0, last);
        }
    }
}
