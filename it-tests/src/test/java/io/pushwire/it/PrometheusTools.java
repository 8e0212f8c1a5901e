package io.pushwire.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code prometheus} package's binaries, found on the {@code PATH}: {@code promtool} to check rules
 * and scrapes, {@code prometheus} itself. A test that needs one is skipped, naming the package, on a machine
 * without it ({@code .ci/run} installs it, so CI runs them).
 */
final class PrometheusTools {
    static final String PACKAGE = "prometheus";

    /** What a run printed (stdout and stderr together) and how it exited. */
    record Run(int exitCode, String output) {
    }

    private PrometheusTools() {
    }

    /** The executable {@code name} on the {@code PATH}; skips the calling test when there is none. */
    static Path require(String name) {
        Optional<Path> found = find(name);
        assumeTrue(found.isPresent(), name + " is not installed: it comes with Debian's '" + PACKAGE
                + "' package (apt-get install " + PACKAGE + ")");
        return found.orElseThrow();
    }

    /** Runs {@code promtool} with {@code arguments} in {@code directory}, feeding it {@code input}. */
    static Run promtool(Path directory, String input, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(require("promtool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("promtool " + String.join(" ", arguments) + " did not finish: " + output);
        }
        return new Run(process.exitValue(), output);
    }

    private static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
        for (String directory : path.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
