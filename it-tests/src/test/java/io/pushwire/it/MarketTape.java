package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pushwire.client.PushClient;
import io.pushwire.client.PushListener;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Status;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A downstream SDK client of an exchange feed's channels that keeps, per channel and in delivery order,
 * every event, gap and status it got: the tape that end-to-end feed tests read to check that trades
 * arrive continuously, and that every loss is announced.
 */
final class MarketTape implements AutoCloseable {
    private final PushClient client;
    private final Map<String, List<Frame>> tapes = new ConcurrentHashMap<>();

    MarketTape(URI server, List<String> channels) throws Exception {
        this.client = PushClient.builder(server)
                .reconnectInitialDelay(Duration.ofMillis(100))
                .reconnectMaxDelay(Duration.ofSeconds(1))
                .listener(new PushListener() {
                    @Override
                    public void onGap(Gap gap) {
                        tape(gap.channel()).add(gap);
                    }

                    @Override
                    public void onStatus(Status status) {
                        tape(status.channel()).add(status);
                    }
                })
                .build();
        for (String channel : channels) {
            client.subscribe(channel, event -> tape(event.channel()).add(event));
        }
        client.connect().get(10, TimeUnit.SECONDS);
    }

    List<Frame> tape(String channel) {
        return tapes.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>());
    }

    List<Event> events(String channel) {
        return tape(channel).stream().filter(Event.class::isInstance).map(Event.class::cast).toList();
    }

    List<Gap> gaps(String channel) {
        return tape(channel).stream().filter(Gap.class::isInstance).map(Gap.class::cast).toList();
    }

    List<Status> statuses(String channel) {
        return tape(channel).stream().filter(Status.class::isInstance).map(Status.class::cast).toList();
    }

    /** The latest status of a channel, or null. */
    Status lastStatus(String channel) {
        List<Status> statuses = statuses(channel);
        return statuses.isEmpty() ? null : statuses.get(statuses.size() - 1);
    }

    /** Whether the last status of a channel said stale (false when it never got one). */
    boolean isStale(String channel) {
        Status last = lastStatus(channel);
        return last != null && last.stale();
    }

    /**
     * Waits for a {@code status stale:true} among the statuses after the first {@code seen}, however soon
     * a {@code stale:false} followed it (a reconnect can take 100 ms).
     */
    void awaitStaleAfter(String channel, int seen) throws InterruptedException {
        await(() -> statuses(channel).stream().skip(seen).anyMatch(Status::stale), "status stale:true on " + channel);
    }

    /** Waits until {@code count} more trades arrived on a channel than it has now. */
    void awaitMoreTrades(String channel, int count) throws InterruptedException {
        int target = events(channel).size() + count;
        await(() -> events(channel).size() >= target, count + " more trades on " + channel);
    }

    /**
     * Checks a trades channel: ids strictly increase (no duplicate, no reordering); where they jump, an
     * {@code upstream} gap came between the two trades; where they do not, no gap came.
     */
    void assertContinuousWithAnnouncedGaps(String channel, int expectedGaps) {
        assertEquals(expectedGaps, assertContinuousWithAnnouncedGaps(channel), "upstream gaps on " + channel);
    }

    /** As {@link #assertContinuousWithAnnouncedGaps(String, int)}, for any number of gaps; returns it. */
    int assertContinuousWithAnnouncedGaps(String channel) {
        List<Frame> tape = tape(channel);
        Long previous = null;
        boolean gapSincePrevious = false;
        int gaps = 0;
        List<String> trail = new ArrayList<>();
        for (Frame frame : tape) {
            if (frame instanceof Gap gap) {
                assertEquals(GapReason.UPSTREAM, gap.reason(), "only upstream gaps on " + channel + ": " + gap);
                gapSincePrevious = true;
                gaps++;
                trail.add("gap");
            } else if (frame instanceof Event event) {
                long id = Long.parseLong(event.data().path("tradeId").asText());
                trail.add(Long.toString(id));
                if (previous != null) {
                    if (id <= previous) {
                        fail("trade " + id + " after " + previous + " on " + channel + ": " + tail(trail));
                    }
                    if (id > previous + 1 && !gapSincePrevious) {
                        fail("trades " + (previous + 1) + ".." + (id - 1) + " missing without a gap on " + channel
                                + ": " + tail(trail));
                    }
                    if (id == previous + 1 && gapSincePrevious) {
                        fail("a gap between consecutive trades " + previous + " and " + id + " on " + channel);
                    }
                }
                previous = id;
                gapSincePrevious = false;
            }
        }
        assertTrue(previous != null, "no trades on " + channel);
        return gaps;
    }

    private static List<String> tail(List<String> trail) {
        return trail.subList(Math.max(0, trail.size() - 40), trail.size());
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
