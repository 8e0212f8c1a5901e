package io.pushwire.server.broker.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster for a test: {@code masters} {@code redis-server} processes with
 * {@code --cluster-enabled yes} on free loopback ports, joined by {@code redis-cli --cluster create}, no
 * replicas, no persistence. Stopped by {@link #close}.
 */
public final class RedisCluster implements AutoCloseable {
    private final List<RedisServer> nodes;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    /** Starts the masters, creates the cluster, and waits until every node says it is ok. */
    public static RedisCluster start(int masters) throws IOException, InterruptedException {
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < masters; i++) {
                Path dir = Files.createTempDirectory("redis-cluster-");
                // The cluster bus port is the client port + 10000 unless given: a free client port above
                // 55535 would have none. So the bus gets a free port of its own.
                nodes.add(RedisServer.start("--cluster-enabled", "yes", "--dir", dir.toString(),
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000",
                        "--cluster-port", Integer.toString(RedisServer.freePort())));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            run(create);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (RedisServer node : nodes) {
                while (!run(List.of("redis-cli", "-p", Integer.toString(node.port()), "cluster", "info"))
                        .contains("cluster_state:ok")) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the cluster did not become ok on port " + node.port());
                    }
                    Thread.sleep(100);
                }
            }
            return new RedisCluster(nodes);
        } catch (IOException | InterruptedException | RuntimeException e) {
            nodes.forEach(RedisServer::close);
            throw e;
        }
    }

    /** The seed URIs, comma-separated, as {@code pushwire.redis.uri} takes them. */
    public String uris() {
        return nodes.stream().map(RedisServer::uri).collect(Collectors.joining(","));
    }

    public List<RedisServer> nodes() {
        return List.copyOf(nodes);
    }

    /** Which node's port serves the slot of {@code key}. */
    public int portOf(String key) throws IOException, InterruptedException {
        String slot = run(List.of("redis-cli", "-p", Integer.toString(nodes.get(0).port()), "cluster", "keyslot", key)).trim();
        String slots = run(List.of("redis-cli", "-p", Integer.toString(nodes.get(0).port()), "cluster", "slots"));
        // Lines come in groups: start, end, then the master's ip and port (and its id).
        String[] lines = slots.split("\\R");
        int target = Integer.parseInt(slot);
        for (int i = 0; i + 3 < lines.length; i++) {
            if (lines[i].matches("\\d+") && lines[i + 1].matches("\\d+") && lines[i + 2].equals("127.0.0.1")) {
                int from = Integer.parseInt(lines[i]);
                int to = Integer.parseInt(lines[i + 1]);
                if (target >= from && target <= to) {
                    return Integer.parseInt(lines[i + 3]);
                }
            }
        }
        throw new IllegalStateException("no master for slot " + slot + " in " + slots);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }
}
