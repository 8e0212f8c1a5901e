package io.pushwire.it.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server under test as a process on a free loopback port: the packaged Pushwire
 * ({@code java -jar pushwire-server.jar}) or the baseline ({@link NettyBroadcastServer}).
 */
final class BenchServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;
    final List<String> command;

    private BenchServer(Process process, int port, Path log, List<String> command) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.command = command;
    }

    static BenchServer start(Path jar, List<String> jvmOptions, List<String> properties, Path log)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no server jar at " + jar.toAbsolutePath() + ": build it first");
        }
        int port = freePort();
        List<String> command = java(jvmOptions);
        command.add("-Dserver.port=" + port);
        command.add("-Dserver.host=127.0.0.1");
        command.addAll(properties);
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        return launch(command, port, log);
    }

    /**
     * The baseline, {@link NettyBroadcastServer}, with the same JVM options, from this process's class
     * path; it answers the same load generator on the same paths.
     */
    static BenchServer startBaseline(List<String> jvmOptions, Path log) throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = java(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(NettyBroadcastServer.class.getName());
        command.add(Integer.toString(port));
        return launch(command, port, log);
    }

    private static List<String> java(List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        return command;
    }

    private static BenchServer launch(List<String> command, int port, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        BenchServer server = new BenchServer(process, port, log, command);
        server.awaitReady();
        return server;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    URI httpUri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    URI webSocketUri() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    Path log() {
        return log;
    }

    /** GET a path, body as text, or null when the server does not answer. */
    String get(String path) {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(httpUri().resolve(path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void awaitReady() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with " + process.exitValue() + "; see " + log);
            }
            String ready = get("/health/ready");
            if (ready != null && ready.contains("\"UP\"")) {
                return;
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("server not ready within 60 s; see " + log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
