package io.pushwire.it;

import static io.pushwire.it.MarketTape.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How the packaged server starts and fails to start, as an operator sees it: a failure is one line and a
 * non-zero exit status, not a stack trace and status 0; "ready" means the port is bound; a misspelt
 * {@code pushwire.*} key is named at start-up.
 */
class StartupIT {

    @Test
    void aTakenPortExitsNonZeroWithOneLineNamingTheAddressAndTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Exited exited = runToExit("port-taken", taken.getLocalPort(), Map.of());

            assertEquals(1, exited.status(), exited.output());
            List<String> reasons = exited.lines("pushwire: cannot start:");
            assertEquals(1, reasons.size(), exited.output());
            assertTrue(reasons.get(0).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": Address already in use"),
                    reasons.get(0));
            assertTrue(reasons.get(0).contains("server.port"), reasons.get(0));
            assertFalse(exited.output().contains("Pushwire ready"), "not ready without a port: " + exited.output());
            assertFalse(exited.output().contains(":-1"), exited.output());
            assertEquals(List.of(), exited.lines("\tat "), "no stack trace: " + exited.output());
        }
    }

    @Test
    void anInvalidSettingExitsNonZeroWithOneLineNamingIt() throws Exception {
        Exited exited = runToExit("bad-setting", ServerProcess.freePort(), Map.of("pushwire.hello.timeout-ms", "-5"));

        assertEquals(1, exited.status(), exited.output());
        assertEquals(List.of("pushwire: cannot start: invalid configuration: pushwire.hello.timeout-ms must be > 0, got -5"
                        + " (its stack trace is logged at debug level: docs/OPERATIONS.md, \"Start-up failures\")"),
                exited.lines("pushwire: cannot start:"), exited.output());
        assertEquals(List.of(), exited.lines("\tat "), "no stack trace: " + exited.output());
        assertFalse(exited.output().contains("Exception"), "no exception printed: " + exited.output());
    }

    @Test
    void readyIsLoggedAfterTheBindAndAMisspeltKeyIsNamed() throws Exception {
        try (ServerProcess server = ServerProcess.start("startup-misspelt", Map.of("pushwire.feeds.simulated.rte", "5"))) {
            // Readiness (/health/ready, which start() waits for) goes UP only after the ready line is written,
            // and the line may still sit in the log file's buffer for a moment.
            await(() -> readLog(server).stream().anyMatch(line -> line.contains("Pushwire ready in ")),
                    "the ready line in " + server.log());
            List<String> log = Files.readAllLines(server.log());
            int bound = indexOf(log, "bound for socket");
            int ready = indexOf(log, "Pushwire ready in ");
            assertTrue(bound >= 0 && ready > bound, "ready after the bind: " + String.join("\n", log));
            assertTrue(log.get(ready).contains("listening on 127.0.0.1:" + server.port()), log.get(ready));
            assertTrue(log.stream().anyMatch(line -> line.contains("WARNING") && line.contains(
                    "unknown setting pushwire.feeds.simulated.rte is ignored; did you mean pushwire.feeds.simulated.rate?")),
                    String.join("\n", log));
            for (String noise : List.of("WELD-ENV-000014", "WELD-000101", "WELD-000411", "Registering JAX-RS Application")) {
                assertEquals(-1, indexOf(log, noise), noise + " is not printed by default");
            }
        }
    }

    private static List<String> readLog(ServerProcess server) {
        try {
            return Files.readAllLines(server.log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int indexOf(List<String> lines, String fragment) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }

    private static Exited runToExit(String name, int port, Map<String, String> settings)
            throws IOException, InterruptedException {
        Path log = ServerProcess.logFile(name);
        Process process = new ProcessBuilder(ServerProcess.javaJar(port, settings)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the server did not exit within 60 s: " + Files.readString(log));
        }
        return new Exited(process.exitValue(), Files.readString(log));
    }

    private record Exited(int status, String output) {
        List<String> lines(String prefix) {
            return output.lines().filter(line -> line.startsWith(prefix)).toList();
        }
    }
}
