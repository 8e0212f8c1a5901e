package io.pushwire.server.core;

import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an outbound queue holds: one FIFO per {@link Lane}, taken in lane order, and their size in
 * characters of encoded JSON against the queue's budget. When a frame does not fit, {@link #makeRoom}
 * sheds what matters least, in this order: pending events of conflatable channels collapse to the newest
 * one per channel ({@code gap conflated}); then pending {@code LOW} events are dropped
 * ({@code gap dropped_slow_consumer}).
 *
 * <p>Not thread-safe: the owning {@link Outbound}'s lock guards every call.
 */
final class OutboundLanes {
    private final List<ArrayDeque<QueuedItem>> lanes = List.of(
            new ArrayDeque<>(), new ArrayDeque<>(), new ArrayDeque<>(), new ArrayDeque<>());
    private final long budget;
    private final FrameCodec codec;
    private final ServerCounters counters;
    /** Characters queued, conflation slots' pending events included. */
    private long queuedChars;

    OutboundLanes(long budget, FrameCodec codec, ServerCounters counters) {
        this.budget = budget;
        this.codec = codec;
        this.counters = counters;
    }

    void add(Lane lane, QueuedItem item) {
        lanes.get(lane.ordinal()).add(item);
        queuedChars += item.chars();
    }

    /** The next item the writer takes: the oldest of the first lane that holds any; null when empty. */
    QueuedItem peek() {
        for (ArrayDeque<QueuedItem> lane : lanes) {
            QueuedItem head = lane.peek();
            if (head != null) {
                return head;
            }
        }
        return null;
    }

    /** Removes what {@link #peek} returned; its characters are released by {@link #released}. */
    void poll() {
        for (ArrayDeque<QueuedItem> lane : lanes) {
            if (lane.poll() != null) {
                return;
            }
        }
    }

    /** Characters that left the queue (written, or a slot's event dropped). */
    void released(long chars) {
        queuedChars -= chars;
    }

    /** Characters added outside {@link #add} (a slot's pending event replaced by a longer one). */
    void grew(long chars) {
        queuedChars += chars;
    }

    long queuedChars() {
        return queuedChars;
    }

    /** Entries waiting (a conflated slot counts once). */
    int size() {
        return lanes.stream().mapToInt(ArrayDeque::size).sum();
    }

    boolean isEmpty() {
        return lanes.stream().allMatch(ArrayDeque::isEmpty);
    }

    void clear() {
        lanes.forEach(ArrayDeque::clear);
        queuedChars = 0;
    }

    /**
     * Makes room for {@code chars} more, shedding in the documented order. Returns whether it fits.
     * The work is linear in the queue, and only happens to a consumer already behind.
     */
    boolean makeRoom(long chars) {
        if (queuedChars + chars <= budget) {
            return true;
        }
        for (Lane lane : List.of(Lane.HIGH, Lane.NORMAL, Lane.LOW)) {
            shed(lanes.get(lane.ordinal()), true);
        }
        if (queuedChars + chars <= budget) {
            return true;
        }
        shed(lanes.get(Lane.LOW.ordinal()), false);
        return queuedChars + chars <= budget;
    }

    /**
     * One pass over a lane. With {@code conflate}, runs of pending events of each conflatable channel keep
     * only their newest event; otherwise every event in the lane is dropped. Each run of removed events
     * becomes one gap frame at the run's first position, so the client reads, per channel, the gap and then
     * what follows it. A run ends at any other frame of the same channel, which keeps its place.
     */
    private void shed(ArrayDeque<QueuedItem> lane, boolean conflate) {
        QueuedItem[] items = lane.toArray(QueuedItem[]::new);
        Map<String, Run> runs = new HashMap<>();
        int removed = 0;
        for (int i = 0; i < items.length; i++) {
            QueuedItem item = items[i];
            if (item.channel() == null || item.slot() != null) {
                continue;
            }
            if (!item.isEvent()) {
                Run ended = runs.remove(item.channel());
                if (ended != null) {
                    ended.finish(items);
                }
                continue;
            }
            if (conflate && !item.stream().conflatable()) {
                continue;
            }
            Run run = runs.computeIfAbsent(item.channel(), channel -> new Run(item.stream(), conflate));
            removed += run.add(items, i);
        }
        if (removed == 0) {
            return;
        }
        runs.values().forEach(run -> run.finish(items));
        lane.clear();
        for (QueuedItem item : items) {
            if (item != null) {
                lane.add(item);
            }
        }
        if (conflate) {
            counters.eventsConflated(removed);
        } else {
            counters.eventsDropped(removed);
        }
    }

    /** A run of one channel's removable events within a lane; see {@link #shed}. */
    private final class Run {
        private final ChannelStream stream;
        private final boolean keepNewest;
        private int firstIndex = -1;
        private long fromSeq;
        private long toSeq;
        /** The newest event, kept while it is the newest; -1 when there is none. */
        private int keptIndex = -1;

        Run(ChannelStream stream, boolean keepNewest) {
            this.stream = stream;
            this.keepNewest = keepNewest;
        }

        /** Takes the event at {@code index} into the run; returns how many events it removed. */
        int add(QueuedItem[] items, int index) {
            if (keepNewest && keptIndex < 0) {
                keptIndex = index;
                return 0;
            }
            int victim = keepNewest ? keptIndex : index;
            keptIndex = keepNewest ? index : -1;
            QueuedItem removed = items[victim];
            queuedChars -= removed.chars();
            if (firstIndex < 0) {
                firstIndex = victim;
                fromSeq = removed.seq();
            }
            toSeq = removed.seq();
            items[victim] = null;
            return 1;
        }

        /** Puts the run's gap where its first removed event was. */
        void finish(QueuedItem[] items) {
            if (firstIndex < 0) {
                return;
            }
            String reason = keepNewest ? GapReason.CONFLATED : GapReason.DROPPED_SLOW_CONSUMER;
            QueuedItem gap = new QueuedItem(stream, 0, toSeq,
                    codec.encode(new Gap(stream.channelName(), fromSeq, toSeq, reason)), null);
            items[firstIndex] = gap;
            queuedChars += gap.chars();
            counters.gapAnnounced();
            firstIndex = -1;
        }
    }
}
