package io.pushwire.it.exchange;

import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What a fake did and heard, with wall-clock times and the time since the fake started, so that a
 * failing end-to-end test can print the exchange's side of the story. Bounded: the oldest lines go.
 * Data messages are not logged one by one (a publisher may send thousands); control traffic is.
 */
final class EventLog {
    private static final int MAX_LINES = 4000;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final int MAX_TEXT = 300;

    private final String name;
    private final long startNanos = System.nanoTime();
    private final Deque<String> lines = new ArrayDeque<>();
    private long dropped;

    EventLog(String name) {
        this.name = name;
    }

    void add(String what) {
        String line = String.format("%s +%8.3fs %s %s", LocalTime.now(ZoneId.systemDefault()).format(CLOCK),
                (System.nanoTime() - startNanos) / 1e9, name, what);
        synchronized (lines) {
            if (lines.size() == MAX_LINES) {
                lines.removeFirst();
                dropped++;
            }
            lines.addLast(line);
        }
    }

    List<String> lines() {
        synchronized (lines) {
            List<String> copy = new ArrayList<>(lines.size() + 1);
            if (dropped > 0) {
                copy.add("(" + dropped + " older events dropped)");
            }
            copy.addAll(lines);
            return copy;
        }
    }

    /** Text cut to a loggable length. */
    static String shorten(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...(" + text.length() + " chars)";
    }
}
