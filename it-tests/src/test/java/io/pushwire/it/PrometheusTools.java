package io.pushwire.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Debian's {@code prometheus} package's binaries, found on the {@code PATH}: {@code promtool} to check rules
 * and scrapes, {@code prometheus} itself. A test that needs one is skipped, naming the package, on a machine
 * without it ({@code .ci/run} installs it, so CI runs them).
 */
final class PrometheusTools {
    static final String PACKAGE = "prometheus";

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
    static CommandRun promtool(Path directory, String input, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(require("promtool").toString());
        command.addAll(List.of(arguments));
        return CommandRun.of(new ProcessBuilder(command).directory(directory.toFile()), input, Duration.ofSeconds(60));
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
