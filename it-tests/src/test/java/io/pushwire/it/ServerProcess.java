package io.pushwire.it;

import java.io.File;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The packaged server ({@code server/target/pushwire-server.jar}) started the way a user starts it,
 * {@code java -jar}, as a separate process on a free loopback port. Output goes to a log file under
 * {@code it-tests/target/server-logs} for post-mortems. Started with TLS, its URIs are {@code https} and
 * {@code wss}, and its HTTP clients trust the server's certificate.
 */
final class ServerProcess implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path log;
    private final long readyAfterMs;
    /** The client side of TLS, trusting the server's certificate; null when the server speaks plain HTTP. */
    private final SSLContext trust;

    private ServerProcess(Process process, int port, Path log, long readyAfterMs, SSLContext trust) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.readyAfterMs = readyAfterMs;
        this.trust = trust;
    }

    /** Starts a server with the given {@code -D} settings on top of the defaults, and waits until ready. */
    static ServerProcess start(String name, Map<String, String> settings) throws IOException, InterruptedException {
        return start(name, settings, freePort());
    }

    /** As {@link #start(String, Map)}, on a given port: a restart where the clients expect the server. */
    static ServerProcess start(String name, Map<String, String> settings, int port)
            throws IOException, InterruptedException {
        return launch(name, port, new ProcessBuilder(javaJar(port, settings)), null);
    }

    /**
     * As {@link #start(String, Map)}, with {@code settings} and {@code environment} variables that turn TLS
     * on ({@code server.tls.*}); the test's clients, readiness polling included, trust the server through
     * {@code trust}.
     */
    static ServerProcess startTls(String name, Map<String, String> settings, Map<String, String> environment,
                                  SSLContext trust) throws IOException, InterruptedException {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(javaJar(port, settings));
        builder.environment().putAll(environment);
        return launch(name, port, builder, trust);
    }

    static List<String> javaJar(int port, Map<String, String> settings) {
        Path jar = serverJar();
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add("-Xmx512m");
        aotCache().ifPresent(cache -> command.add("-XX:AOTCache=" + cache));
        command.addAll(properties(port, settings));
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        return command;
    }

    private static Path serverJar() {
        Path jar = Path.of(System.getProperty("pushwire.server.jar", "../server/target/pushwire-server.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no server jar at " + jar.toAbsolutePath() + ": run mvn package first");
        }
        return jar;
    }

    /** Surefire runs on the toolchain's JDK 21+, which is what the server needs too. */
    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Empty until made; then the cache, or empty for good where it cannot be had. */
    private static Optional<Path> aotCache;

    /**
     * A JDK 25 ahead-of-time cache of the classes the server loads and links while it starts (JEP 483 and
     * 514), made once per test run by starting and stopping the server: it takes about 1.7 s off each of the
     * suite's ~50 starts (3.7 s down to 2.0 s here). A start-up cost only: what the server does once up is
     * unchanged. On an older JDK, or if making it fails, servers start without one.
     */
    private static synchronized Optional<Path> aotCache() {
        if (aotCache != null) {
            return aotCache;
        }
        aotCache = Optional.empty();
        if (Runtime.version().feature() < 25) {
            return aotCache;
        }
        Path cache = Path.of(System.getProperty("pushwire.it.logs", "target/server-logs")).resolveSibling("pushwire-server.aot")
                .toAbsolutePath();
        Process training = null;
        try {
            Files.deleteIfExists(cache);
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m", "-XX:AOTCacheOutput=" + cache));
            command.addAll(properties(port, Map.of()));
            command.addAll(List.of("-jar", serverJar().toAbsolutePath().toString()));
            Path log = cache.resolveSibling("pushwire-server-aot-training.log");
            training = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            new ServerProcess(training, port, log, 0, null).awaitReady(System.nanoTime());
            training.destroy();
            if (training.waitFor(60, TimeUnit.SECONDS) && Files.isRegularFile(cache)) {
                aotCache = Optional.of(cache);
            } else {
                System.err.println("ServerProcess: no AOT cache made (see " + log + "); servers start without one");
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("ServerProcess: no AOT cache (" + e + "); servers start without one");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (training != null && training.isAlive()) {
                // With the JVM that builds the cache, if it was already started: nothing of it may outlive the run.
                training.descendants().forEach(ProcessHandle::destroyForcibly);
                training.destroyForcibly();
            }
        }
        return aotCache;
    }

    /**
     * Starts the packaged server with its process's open-file limit (soft and hard) set to {@code limit},
     * as {@code ulimit -n} in the shell that starts it would.
     */
    static ServerProcess startWithOpenFileLimit(String name, Map<String, String> settings, int limit)
            throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + limit + " && exec \"$@\"", "--"));
        command.addAll(javaJar(port, settings));
        return launch(name, port, new ProcessBuilder(command), null);
    }

    /**
     * Starts the server with the README's run command, {@code bin/pushwire}, in an environment like a
     * fresh machine's: no {@code JAVA_HOME}, and JDK 17 first on the PATH when the machine has one.
     */
    static ServerProcess startWithLauncher(String name, Map<String, String> settings)
            throws IOException, InterruptedException {
        Path launcher = Path.of(System.getProperty("pushwire.launcher", "../bin/pushwire")).toAbsolutePath();
        int port = freePort();
        List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
        command.addAll(properties(port, settings));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JAVA_HOME");
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin");
        if (Files.isDirectory(jdk17)) {
            builder.environment().put("PATH", jdk17 + File.pathSeparator + builder.environment().get("PATH"));
        }
        return launch(name, port, builder, null);
    }

    private static List<String> properties(int port, Map<String, String> settings) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("server.port", Integer.toString(port));
        properties.put("server.host", "127.0.0.1");
        properties.putAll(settings);
        List<String> options = new ArrayList<>();
        properties.forEach((key, value) -> options.add("-D" + key + "=" + value));
        return options;
    }

    private static ServerProcess launch(String name, int port, ProcessBuilder builder, SSLContext trust)
            throws IOException, InterruptedException {
        Path log = logFile(name);
        long started = System.nanoTime();
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ServerProcess server = new ServerProcess(process, port, log, 0, trust);
        long readyAfterMs = server.awaitReady(started);
        return new ServerProcess(process, port, log, readyAfterMs, trust);
    }

    /** Where the output of a server (or another process of the tests) named {@code name} goes. */
    static Path logFile(String name) throws IOException {
        Path logs = Path.of(System.getProperty("pushwire.it.logs", "target/server-logs"));
        Files.createDirectories(logs);
        return logs.resolve(name + ".log");
    }

    int port() {
        return port;
    }

    URI webSocketUri() {
        return URI.create((trust == null ? "ws" : "wss") + "://127.0.0.1:" + port + "/ws");
    }

    URI httpUri(String path) {
        return URI.create((trust == null ? "http" : "https") + "://127.0.0.1:" + port + path);
    }

    /** A builder of HTTP (and WebSocket) clients for this server: over TLS, trusting its certificate. */
    HttpClient.Builder httpClient() {
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (trust != null) {
            builder.sslContext(trust);
        }
        return builder;
    }

    /** The file the server's output goes to. */
    Path log() {
        return log;
    }

    long readyAfterMs() {
        return readyAfterMs;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** GET a path; returns status and body. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(httpUri(path)));
    }

    /** GET a path with an {@code Authorization} header; returns status and body. */
    HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(httpUri(path)).header("Authorization", authorization));
    }

    /** POST a JSON body to a path (no credentials); returns status and body. */
    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(httpUri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        try (HttpClient http = httpClient().connectTimeout(Duration.ofSeconds(2)).build()) {
            return http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** SIGKILL: the process dies at once, with no close frame and no drain, losing all it held in memory. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** Sends SIGTERM and returns at once: the server drains while the test watches. */
    void signalTerm() {
        process.destroy();
    }

    long pid() {
        return process.pid();
    }

    /** Sends SIGTERM and waits; kills if it does not exit in time. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private long awaitReady(long startedNanos) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with " + process.exitValue() + "; log:\n" + tail());
            }
            try {
                HttpResponse<String> ready = get("/health/ready");
                if (ready.statusCode() == 200 && ready.body().contains("\"UP\"")) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
                }
            } catch (IOException notYetListening) {
                // keep polling
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("server not ready within " + READY_TIMEOUT + "; log:\n" + tail());
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
