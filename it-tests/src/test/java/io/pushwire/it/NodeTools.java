package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code node} and {@code npm} from the PATH, run as processes for the JavaScript package's tests. Without
 * them those tests are skipped, with the fix in the message; {@code .ci/run} installs them, so in CI they run.
 * A command that fails or times out fails the test with its output.
 */
final class NodeTools {
    private NodeTools() {
    }

    /** Skips the calling test unless {@code node} and {@code npm} run; returns node's version. */
    static String assumeInstalled() {
        String node = versionOf("node");
        assumeTrue(node != null && versionOf("npm") != null, "node and npm are not on the PATH: the JavaScript"
                + " package's tests need Node.js 18+ and npm (apt-get install -y nodejs npm; .ci/run installs them)");
        return node;
    }

    /** Runs {@code command} in {@code directory}; returns its output (stdout and stderr), or fails with it. */
    static String run(Path directory, Map<String, String> environment, Duration timeout, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        // npm's own update check and funding notices are noise in a test log.
        builder.environment().put("npm_config_update_notifier", "false");
        builder.environment().put("npm_config_fund", "false");
        builder.environment().put("npm_config_audit", "false");
        Path output = Files.createTempFile("pushwire-node-", ".log");
        try {
            Process process = builder.redirectOutput(output.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                fail(String.join(" ", command) + " in " + directory + " did not finish within " + timeout + ":\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                fail(String.join(" ", command) + " in " + directory + " exited with " + process.exitValue() + ":\n" + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    static String run(Path directory, String... command) throws IOException, InterruptedException {
        return run(directory, Map.of(), Duration.ofMinutes(3), command);
    }

    private static String versionOf(String tool) {
        List<String> command = new ArrayList<>(List.of(tool, "--version"));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0 ? version : null;
        } catch (IOException notInstalled) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
