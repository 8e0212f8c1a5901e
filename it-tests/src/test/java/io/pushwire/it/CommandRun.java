package io.pushwire.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A command run to its end, for the tests that drive a tool (promtool, javac, ip, curl): what it printed,
 * stdout and stderr together, and how it exited.
 */
record CommandRun(int exitCode, String output) {

    /**
     * Starts {@code builder}, feeds it {@code input} and reads all it prints; a command still running
     * {@code timeout} after its output ended is killed, its children too, and the call fails with what it said.
     */
    static CommandRun of(ProcessBuilder builder, String input, Duration timeout) throws IOException, InterruptedException {
        Process process = builder.redirectErrorStream(true).start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", builder.command()) + " did not finish within " + timeout
                    + ": " + output);
        }
        return new CommandRun(process.exitValue(), output);
    }
}
