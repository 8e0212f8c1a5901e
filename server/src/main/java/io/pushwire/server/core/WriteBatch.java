package io.pushwire.server.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The frames of one WebSocket message the writer is about to send, within {@link OutboundSettings}'s
 * limits, and when each of its events was queued, so that the write can be timed per event. Used by one
 * drain at a time.
 */
final class WriteBatch {
    private final OutboundSettings settings;
    private final List<String> frames = new ArrayList<>();
    private long chars;
    /** When each event of the batch was queued (conflated ones excluded: they wait on purpose). */
    private long[] eventsEnqueuedAtMs = new long[8];
    private int events;
    /** Events of conflated subscriptions: delivered, but not timed (they wait on purpose). */
    private int conflatedEvents;

    WriteBatch(OutboundSettings settings) {
        this.settings = settings;
    }

    List<String> frames() {
        return frames;
    }

    boolean isEmpty() {
        return frames.isEmpty();
    }

    /** Adds a queued item's frame if it fits; an event's queueing time is kept for {@link #recordWritten}. */
    boolean offer(QueuedItem item) {
        if (!fits(item.encoded())) {
            return false;
        }
        add(item.encoded());
        if (item.isEvent()) {
            if (events == eventsEnqueuedAtMs.length) {
                eventsEnqueuedAtMs = Arrays.copyOf(eventsEnqueuedAtMs, events * 2);
            }
            eventsEnqueuedAtMs[events++] = item.enqueuedAtMs();
        }
        return true;
    }

    /** Adds a conflated slot's frames (its gap, its event, what was held behind it), if they fit together. */
    boolean offerConflated(List<String> slotFrames) {
        if (!fits(slotFrames.toArray(String[]::new))) {
            return false;
        }
        slotFrames.forEach(this::add);
        conflatedEvents++;
        return true;
    }

    private void add(String frame) {
        frames.add(frame);
        chars += frame.length();
    }

    /** Records each event's time from publish to the write that just happened. */
    void recordWritten(ServerCounters counters, long nowMs) {
        counters.eventsDelivered(events + conflatedEvents);
        for (int i = 0; i < events; i++) {
            counters.publishedToWritten(Math.max(0, nowMs - eventsEnqueuedAtMs[i]));
        }
    }

    /** Whether these frames fit together; anything fits an empty batch. */
    private boolean fits(String... more) {
        int count = 0;
        long length = 0;
        for (String frame : more) {
            if (frame != null) {
                count++;
                length += frame.length();
            }
        }
        if (frames.isEmpty()) {
            return true; // a lone large frame still goes, and a slot's gap always travels with its event
        }
        // n frames are written as "[" + frames joined by "," + "]": n + 1 extra characters.
        int total = frames.size() + count;
        return total <= settings.maxBatchFrames() && chars + length + total + 1 <= settings.maxBatchBytes();
    }
}
