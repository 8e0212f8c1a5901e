package io.pushwire.it.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A subscriber process of the fan-out benchmark, started by {@link FanoutBench} with the test class
 * path. Arguments are {@code key=value}: {@code uri}, {@code channel}, {@code first} (global index of
 * its first connection), {@code count}, {@code perAddress} (connections per source address: global
 * connection g connects from {@link #sourceAddress}), {@code maxSeq}, {@code client} ({@code nio} or
 * {@code jdk}), {@code threads}, {@code concurrency}.
 *
 * <p>It talks to the coordinator in lines: it prints {@code @CONNECTED ok failed millis} once every
 * connection is subscribed (or failed) and answers commands read from standard input:
 * {@code WINDOW startMicros endMicros} (the measurement window, by publish time),
 * {@code REPORT lastPublishedSeq} (prints {@code @REPORT key=value ...}), {@code QUIT}. It exits when
 * its standard input closes, so it never outlives the coordinator.
 */
public final class SubscriberMain {
    private SubscriberMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        URI uri = URI.create(options.get("uri"));
        String channel = options.get("channel");
        int first = Integer.parseInt(options.get("first"));
        int count = Integer.parseInt(options.get("count"));
        int perAddress = Integer.parseInt(options.get("perAddress"));
        int maxSeq = Integer.parseInt(options.get("maxSeq"));
        int threads = Integer.parseInt(options.getOrDefault("threads", "2"));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "64"));
        String kind = options.getOrDefault("client", "nio");

        List<String> addresses = new ArrayList<>(count);
        for (int g = first; g < first + count; g++) {
            addresses.add(sourceAddress(g, perAddress));
        }
        SubscriberStats stats = new SubscriberStats(maxSeq);
        SubscriberClient client = switch (kind) {
            case "nio" -> new NioSubscriberClient(uri, channel, stats, threads);
            case "jdk" -> new JdkSubscriberClient(uri, channel, stats, threads);
            default -> throw new IllegalArgumentException("client must be nio or jdk: " + kind);
        };
        long started = System.nanoTime();
        int failed = client.connectAll(addresses, concurrency, Duration.ofSeconds(300));
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("@CONNECTED " + (count - failed) + " " + failed + " " + millis);
        System.out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split(" ");
            switch (words[0]) {
                case "WINDOW" -> stats.window(Long.parseLong(words[1]), Long.parseLong(words[2]));
                case "REPORT" -> {
                    System.out.println("@REPORT " + stats.report(client.subscribers(), Long.parseLong(words[1])));
                    System.out.flush();
                }
                case "QUIT" -> {
                    client.closeAll();
                    System.exit(0);
                }
                default -> System.err.println("subscriber: unknown command " + line);
            }
        }
        client.closeAll();
        System.exit(0);
    }

    /** Waits for every subscriber's {@code ready}; returns how many failed or did not finish in time. */
    static int awaitReady(List<? extends Subscriber> subscribers, Duration timeout) {
        int failed = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Subscriber subscriber : subscribers) {
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                if (!subscriber.ready.get(left, TimeUnit.NANOSECONDS)) {
                    failed++;
                }
            } catch (Exception e) {
                failed++;
            }
        }
        return failed;
    }

    /**
     * 127.0.0.2 and up, {@code perAddress} connections each (127.0.0.1 is left to the publisher): the
     * a-th address is 127.0.(a / 250).(2 + a % 250). Linux routes all of 127.0.0.0/8 to loopback.
     */
    static String sourceAddress(int connection, int perAddress) {
        int a = connection / perAddress;
        return "127.0." + (a / 250) + "." + (2 + a % 250);
    }
}
