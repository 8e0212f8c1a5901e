package io.pushwire.server.core;

import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A connection's outbound queue, in priority lanes, and its one serial writer.
 *
 * <p>Producers (publishers, the inbound handler) only enqueue under a short lock and never wait for the
 * client. A drain runs on the writer executor while anything is queued: it takes pending frames lane by
 * lane ({@link Lane} order) up to the batch limits and writes them as ONE WebSocket message (a JSON
 * array when there is more than one frame). A lone frame is written at once, with no timer tick; frames
 * that arrive during a write are batched into the next one, so batches grow exactly when the client (or
 * the network) is the bottleneck.
 *
 * <p>The queue has a budget, in characters of encoded JSON (equal to bytes for ASCII). A frame that does
 * not fit first makes the queue shed what matters least, in this order: pending events of conflatable
 * channels collapse to the newest one per channel ({@code gap conflated}); then pending {@code LOW}
 * events are dropped ({@code gap dropped_slow_consumer}). If the frame still does not fit, the
 * connection fails through {@code onFailure} (the owner closes it with 4001); the hub and other
 * connections are unaffected.
 */
final class Outbound {
    /** Why the writer stopped; handed to the owner once. */
    enum Failure { OVERFLOW, SEND_FAILED }

    /**
     * One queued entry: an event ({@code seq > 0}), another frame ({@code seq == 0}; {@code stream} is its
     * channel, or {@code null} for control frames), or a reference to a conflation slot whose content is
     * read when written. {@code accounted} is what the client knows of the stream once this is written.
     * {@code enqueuedAtMs}: for events, when the publisher queued it; the writer measures from it.
     */
    private record Item(ChannelStream stream, long seq, long accounted, String encoded, ConflationSlot slot,
                        long enqueuedAtMs) {
        Item(ChannelStream stream, long seq, long accounted, String encoded, ConflationSlot slot) {
            this(stream, seq, accounted, encoded, slot, 0);
        }

        static Item control(String encoded) {
            return new Item(null, 0, -1, encoded, null);
        }

        String channel() {
            return stream == null ? null : stream.channelName();
        }

        boolean isEvent() {
            return seq > 0;
        }

        int chars() {
            return encoded == null ? 0 : encoded.length();
        }
    }

    private final Transport transport;
    private final Executor writer;
    private final Scheduler scheduler;
    private final InstantSource clock;
    private final FrameCodec codec;
    private final OutboundSettings settings;
    private final ServerCounters counters;
    private final Consumer<Failure> onFailure;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}: one FIFO per {@link Lane}, indexed by ordinal. */
    private final List<ArrayDeque<Item>> lanes = List.of(
            new ArrayDeque<>(), new ArrayDeque<>(), new ArrayDeque<>(), new ArrayDeque<>());
    /** Guarded by {@link #lock}: characters queued, slots' pending events included. */
    private long queuedChars;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();
    /** The last ping queued, by identity; the writer notes when it actually left. */
    private volatile String pendingPing;
    /** When the last ping was handed to the transport; {@code Long.MIN_VALUE} before the first. */
    private volatile long lastPingWrittenMs = Long.MIN_VALUE;
    /** Messages written so far; the heartbeat compares it between sweeps to find idle connections. */
    private volatile long messagesWritten;
    /** Set once: no frame is accepted after it, and the writer closes the transport after the last frame. */
    private volatile CloseRequest closeRequest;

    private record CloseRequest(int code, String reason) {
    }

    Outbound(Transport transport, Executor writer, Scheduler scheduler, InstantSource clock, FrameCodec codec,
             OutboundSettings settings, ServerCounters counters, Consumer<Failure> onFailure) {
        this.transport = transport;
        this.writer = writer;
        this.scheduler = scheduler;
        this.clock = clock;
        this.codec = codec;
        this.settings = settings;
        this.counters = counters;
        this.onFailure = onFailure;
    }

    /** Queues one encoded frame that belongs to no channel (welcome, error, pong, ping) in the control lane. */
    void enqueue(String frame) {
        add(Lane.CONTROL, Item.control(frame));
    }

    /**
     * Queues a heartbeat ping in the control lane and notes when it is actually written: a client can
     * only answer a ping it received, and behind a backlog that can be long after it was queued.
     */
    void enqueuePing(String frame) {
        pendingPing = frame;
        enqueue(frame);
    }

    /** When the last ping was handed to the transport; {@code Long.MIN_VALUE} before the first. */
    long lastPingWrittenMs() {
        return lastPingWrittenMs;
    }

    /**
     * Queues a channel's frame that is not an event ({@code subscribed}, {@code gap}, {@code unsubscribed})
     * in its lane; once written, the client knows the stream up to {@code accountedSeq} (-1: no change).
     */
    void enqueueChannelFrame(ChannelStream stream, String frame, long accountedSeq) {
        add(stream.lane(), new Item(stream, 0, accountedSeq, frame, null));
    }

    /** Queues one event of a channel in its lane. */
    void enqueueEvent(ChannelStream stream, long seq, String frame) {
        add(stream.lane(), new Item(stream, seq, seq, frame, null, clock.millis()));
    }

    /** Marks everything up to {@code seq} as known to the client of a conflated subscription. */
    void accountedUpTo(ConflationSlot slot, long seq) {
        lock.lock();
        try {
            slot.accountedUpTo(seq);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Offers an event to a conflated subscription: it replaces the slot's pending event, and the slot is
     * queued now, or when its interval since the last sent event is over.
     */
    void offerConflated(ConflationSlot slot, long seq, String frame) {
        boolean schedule = false;
        long delayMs = 0;
        lock.lock();
        try {
            if (!accepting() || slot.cancelled()) {
                return;
            }
            boolean supersedes = slot.pending() != null;
            int grows = frame.length() - slot.pendingChars();
            if (!makeRoom(grows)) {
                overflow();
                return;
            }
            slot.replace(seq, frame);
            if (supersedes) {
                counters.eventsConflated(1);
            }
            queuedChars += grows;
            if (slot.queued() || slot.timerArmed()) {
                return;
            }
            long now = clock.millis();
            if (now >= slot.nextSendAtMs()) {
                queueSlot(slot);
            } else {
                slot.timerArmed(true);
                schedule = true;
                delayMs = slot.nextSendAtMs() - now;
            }
        } finally {
            lock.unlock();
        }
        if (schedule) {
            scheduler.schedule(() -> releaseSlot(slot), delayMs);
        } else {
            scheduleDrain();
        }
    }

    /**
     * Offers a conflated subscription a frame that takes {@code seq} of its stream (an upstream gap). While
     * an event is pending, the frame is held behind it, to be written right after it; returns false when
     * none is, and the frame is to be queued like any other.
     */
    boolean holdBehindPending(ConflationSlot slot, long seq, String frame) {
        lock.lock();
        try {
            if (!accepting() || !slot.hasPending()) {
                return false;
            }
            if (!makeRoom(frame.length())) {
                overflow();
                return true;
            }
            slot.hold(seq, frame);
            queuedChars += frame.length();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a conflated subscription: its pending event is dropped. */
    void cancel(ConflationSlot slot) {
        lock.lock();
        try {
            queuedChars -= slot.cancel();
        } finally {
            lock.unlock();
        }
    }

    /** Writes what is queued, then closes the transport. Later frames are dropped. */
    void closeAfterFlush(int code, String reason) {
        if (closeRequest == null) {
            closeRequest = new CloseRequest(code, reason);
            scheduleDrain();
        }
    }

    /** Messages written since the connection opened. */
    long messagesWritten() {
        return messagesWritten;
    }

    /** Entries waiting to be written (a conflated slot counts once). */
    int queuedFrames() {
        lock.lock();
        try {
            return lanes.stream().mapToInt(ArrayDeque::size).sum();
        } finally {
            lock.unlock();
        }
    }

    long queuedBytes() {
        lock.lock();
        try {
            return queuedChars;
        } finally {
            lock.unlock();
        }
    }

    private boolean accepting() {
        return closeRequest == null && !failed.get();
    }

    private void add(Lane lane, Item item) {
        lock.lock();
        try {
            if (!accepting()) {
                return;
            }
            if (!makeRoom(item.chars())) {
                overflow();
                return;
            }
            lanes.get(lane.ordinal()).add(item);
            queuedChars += item.chars();
        } finally {
            lock.unlock();
        }
        scheduleDrain();
    }

    private void releaseSlot(ConflationSlot slot) {
        lock.lock();
        try {
            slot.timerArmed(false);
            if (!accepting() || !slot.hasPending() || slot.queued()) {
                return;
            }
            queueSlot(slot);
        } finally {
            lock.unlock();
        }
        scheduleDrain();
    }

    private void queueSlot(ConflationSlot slot) {
        slot.queued(true);
        lanes.get(slot.stream().lane().ordinal()).add(new Item(slot.stream(), 0, -1, null, slot));
    }

    /**
     * Makes room for {@code chars} more, shedding in the documented order. Returns whether it fits.
     * Holds the lock; the work is linear in the queue, and only happens to a consumer already behind.
     */
    private boolean makeRoom(long chars) {
        long budget = settings.maxQueueBytes();
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
    private void shed(ArrayDeque<Item> lane, boolean conflate) {
        Item[] items = lane.toArray(Item[]::new);
        Map<String, Run> runs = new HashMap<>();
        int removed = 0;
        for (int i = 0; i < items.length; i++) {
            Item item = items[i];
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
        for (Item item : items) {
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
        int add(Item[] items, int index) {
            if (keepNewest && keptIndex < 0) {
                keptIndex = index;
                return 0;
            }
            int victim = keepNewest ? keptIndex : index;
            keptIndex = keepNewest ? index : -1;
            Item removed = items[victim];
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
        void finish(Item[] items) {
            if (firstIndex < 0) {
                return;
            }
            String reason = keepNewest ? GapReason.CONFLATED : GapReason.DROPPED_SLOW_CONSUMER;
            Item gap = new Item(stream, 0, toSeq, codec.encode(new Gap(stream.channelName(), fromSeq, toSeq, reason)), null);
            items[firstIndex] = gap;
            queuedChars += gap.chars();
            counters.gapAnnounced();
            firstIndex = -1;
        }
    }

    private void overflow() {
        if (failed.compareAndSet(false, true)) {
            lanes.forEach(ArrayDeque::clear);
            queuedChars = 0;
            onFailure.accept(Failure.OVERFLOW);
        }
    }

    private void scheduleDrain() {
        if (draining.compareAndSet(false, true)) {
            writer.execute(this::drain);
        }
    }

    private void drain() {
        try {
            while (!failed.get()) {
                String ping = pendingPing;
                Batch taken = takeBatch();
                List<String> batch = taken.frames;
                if (!batch.isEmpty()) {
                    transport.send(FrameCodec.joinBatch(batch));
                    taken.recordWritten(clock.millis());
                    counters.messageOut(batch.size());
                    messagesWritten++; // single writer: the drain loop runs on one thread at a time
                    if (ping != null && containsInstance(batch, ping)) {
                        lastPingWrittenMs = clock.millis();
                    }
                    continue;
                }
                CloseRequest close = closeRequest;
                if (close != null) {
                    transport.close(close.code(), close.reason());
                    return;
                }
                draining.set(false);
                // A producer may have enqueued after takeBatch() but before the flag cleared: its
                // scheduleDrain() saw draining == true and left the work to us.
                if ((isEmpty() && closeRequest == null) || !draining.compareAndSet(false, true)) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            failWrite();
        }
    }

    private static boolean containsInstance(List<String> batch, String frame) {
        for (String candidate : batch) {
            if (candidate == frame) {
                return true;
            }
        }
        return false;
    }

    private boolean isEmpty() {
        lock.lock();
        try {
            return lanes.stream().allMatch(ArrayDeque::isEmpty);
        } finally {
            lock.unlock();
        }
    }

    /** Takes frames lane by lane, up to the batch limits; a single larger frame still goes alone. */
    private Batch takeBatch() {
        lock.lock();
        try {
            Batch batch = new Batch();
            for (ArrayDeque<Item> lane : lanes) {
                Item item;
                while ((item = lane.peek()) != null) {
                    if (item.slot() != null) {
                        if (!takeSlot(item.slot(), batch)) {
                            return batch;
                        }
                    } else if (batch.offer(item.encoded())) {
                        batch.noteEnqueued(item);
                        queuedChars -= item.chars();
                        if (item.stream() != null && item.accounted() >= 0) {
                            item.stream().written(item.accounted());
                        }
                    } else {
                        return batch;
                    }
                    lane.poll();
                }
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds a conflated slot's frames (its gap, its newest event, then what was held behind it); false when
     * they do not fit.
     */
    private boolean takeSlot(ConflationSlot slot, Batch batch) {
        if (!slot.hasPending()) {
            slot.queued(false);
            return true;
        }
        long skippedFrom = slot.accountedSeq() + 1;
        List<String> frames = new ArrayList<>();
        boolean skipped = slot.pendingSeq() > skippedFrom;
        if (skipped) {
            frames.add(codec.encode(new Gap(slot.stream().channelName(), skippedFrom, slot.pendingSeq() - 1,
                    GapReason.CONFLATED)));
        }
        frames.add(slot.pending());
        frames.addAll(slot.held());
        if (!batch.fits(frames.toArray(String[]::new))) {
            return false;
        }
        if (skipped) {
            counters.gapAnnounced();
        }
        for (String frame : frames) {
            batch.frames.add(frame);
            batch.chars += frame.length();
        }
        batch.conflatedEvents++;
        queuedChars -= slot.sent(clock.millis());
        slot.stream().written(slot.accountedSeq());
        return true;
    }

    /** The frames of one written message, within {@link OutboundSettings}'s limits. */
    private final class Batch {
        final List<String> frames = new ArrayList<>();
        long chars;
        /** When each event of the batch was queued (conflated ones excluded: they wait on purpose). */
        long[] eventsEnqueuedAtMs = new long[8];
        int events;
        /** Events of conflated subscriptions: delivered, but not timed (they wait on purpose). */
        int conflatedEvents;

        void noteEnqueued(Item item) {
            if (!item.isEvent()) {
                return;
            }
            if (events == eventsEnqueuedAtMs.length) {
                eventsEnqueuedAtMs = Arrays.copyOf(eventsEnqueuedAtMs, events * 2);
            }
            eventsEnqueuedAtMs[events++] = item.enqueuedAtMs();
        }

        /** Records each event's time from publish to the write that just happened. */
        void recordWritten(long nowMs) {
            counters.eventsDelivered(events + conflatedEvents);
            for (int i = 0; i < events; i++) {
                counters.publishedToWritten(Math.max(0, nowMs - eventsEnqueuedAtMs[i]));
            }
        }

        /** Whether these frames fit together; anything fits an empty batch. */
        boolean fits(String... more) {
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

        /** Adds a frame if it fits. */
        boolean offer(String frame) {
            if (!fits(frame)) {
                return false;
            }
            frames.add(frame);
            chars += frame.length();
            return true;
        }
    }

    /** The transport broke mid-write: stop for good, the owner decides how to close. */
    private void failWrite() {
        if (failed.compareAndSet(false, true)) {
            lock.lock();
            try {
                lanes.forEach(ArrayDeque::clear);
                queuedChars = 0;
            } finally {
                lock.unlock();
            }
            onFailure.accept(Failure.SEND_FAILED);
        }
    }
}
