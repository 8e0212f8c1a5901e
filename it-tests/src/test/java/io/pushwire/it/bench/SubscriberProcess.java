package io.pushwire.it.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The coordinator's handle on one {@link SubscriberMain} process. */
final class SubscriberProcess implements AutoCloseable {
    final int index;
    final int count;
    private final Process process;
    private final PrintWriter commands;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

    private SubscriberProcess(int index, int count, Process process) {
        this.index = index;
        this.count = count;
        this.process = process;
        this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name("subscriber-" + index + "-out").start(this::readReplies);
    }

    static SubscriberProcess start(int index, List<String> jvmOptions, URI uri, String channel, int first, int count,
                                   int perAddress, int maxSeq, String client, int threads, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SubscriberMain.class.getName());
        command.add("uri=" + uri);
        command.add("channel=" + channel);
        command.add("first=" + first);
        command.add("count=" + count);
        command.add("perAddress=" + perAddress);
        command.add("maxSeq=" + maxSeq);
        command.add("client=" + client);
        command.add("threads=" + threads);
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        return new SubscriberProcess(index, count, process);
    }

    long pid() {
        return process.pid();
    }

    private void readReplies() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("@")) {
                    replies.add(line);
                } else {
                    System.out.println("subscriber-" + index + ": " + line);
                }
            }
        } catch (IOException e) {
            // process gone
        }
        replies.add("@EXIT");
    }

    /** The next reply line starting with {@code prefix}, waiting up to {@code seconds}. */
    String await(String prefix, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? replies.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new IllegalStateException("subscriber process " + index + ": no " + prefix + " within "
                        + seconds + " s");
            }
            if (line.equals("@EXIT")) {
                throw new IllegalStateException("subscriber process " + index + " exited: "
                        + (process.isAlive() ? "?" : process.exitValue()));
            }
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
    }

    void send(String command) {
        commands.println(command);
    }

    /** {@code key=value} words of a report line. */
    static Map<String, String> parse(String report) {
        Map<String, String> values = new HashMap<>();
        for (String word : report.split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                values.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return values;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            send("QUIT");
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        commands.close();
    }
}
