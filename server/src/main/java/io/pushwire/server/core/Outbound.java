package io.pushwire.server.core;

import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
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
 * not fit first makes the queue shed what matters least ({@link OutboundLanes#makeRoom}); if it still does
 * not fit, the connection fails through {@code onFailure} (the owner closes it with 4001); the hub and
 * other connections are unaffected.
 */
final class Outbound {
    /** Why the writer stopped; handed to the owner once. */
    enum Failure { OVERFLOW, SEND_FAILED }

    private final Transport transport;
    private final Executor writer;
    private final Scheduler scheduler;
    private final InstantSource clock;
    private final FrameCodec codec;
    private final OutboundSettings settings;
    private final ServerCounters counters;
    private final Consumer<Failure> onFailure;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}. */
    private final OutboundLanes lanes;
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
        this.lanes = new OutboundLanes(settings.maxQueueBytes(), codec, counters);
    }

    /** Queues one encoded frame that belongs to no channel (welcome, error, pong, ping) in the control lane. */
    void enqueue(String frame) {
        add(Lane.CONTROL, QueuedItem.control(frame));
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
        add(stream.lane(), new QueuedItem(stream, 0, accountedSeq, frame, null));
    }

    /** Queues one event of a channel in its lane. */
    void enqueueEvent(ChannelStream stream, long seq, String frame) {
        add(stream.lane(), new QueuedItem(stream, seq, seq, frame, null, clock.millis()));
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
            if (!lanes.makeRoom(grows)) {
                overflow();
                return;
            }
            slot.replace(seq, frame);
            if (supersedes) {
                counters.eventsConflated(1);
            }
            lanes.grew(grows);
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
            if (!lanes.makeRoom(frame.length())) {
                overflow();
                return true;
            }
            slot.hold(seq, frame);
            lanes.grew(frame.length());
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a conflated subscription: its pending event is dropped. */
    void cancel(ConflationSlot slot) {
        lock.lock();
        try {
            lanes.released(slot.cancel());
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
            return lanes.size();
        } finally {
            lock.unlock();
        }
    }

    long queuedBytes() {
        lock.lock();
        try {
            return lanes.queuedChars();
        } finally {
            lock.unlock();
        }
    }

    private boolean accepting() {
        return closeRequest == null && !failed.get();
    }

    private void add(Lane lane, QueuedItem item) {
        lock.lock();
        try {
            if (!accepting()) {
                return;
            }
            if (!lanes.makeRoom(item.chars())) {
                overflow();
                return;
            }
            lanes.add(lane, item);
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

    /** Guarded by {@link #lock}. The slot's pending event is already counted in the queue's size. */
    private void queueSlot(ConflationSlot slot) {
        slot.queued(true);
        lanes.add(slot.stream().lane(), QueuedItem.slot(slot));
    }

    private void overflow() {
        if (failed.compareAndSet(false, true)) {
            lanes.clear();
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
                WriteBatch batch = takeBatch();
                if (!batch.isEmpty()) {
                    List<String> frames = batch.frames();
                    transport.sendBatch(frames);
                    batch.recordWritten(counters, clock.millis());
                    counters.messageOut(frames.size());
                    messagesWritten++; // single writer: the drain loop runs on one thread at a time
                    if (ping != null && containsInstance(frames, ping)) {
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
            return lanes.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Takes frames lane by lane, up to the batch limits; a single larger frame still goes alone. */
    private WriteBatch takeBatch() {
        lock.lock();
        try {
            WriteBatch batch = new WriteBatch(settings);
            QueuedItem item;
            while ((item = lanes.peek()) != null) {
                if (item.slot() != null) {
                    if (!takeSlot(item.slot(), batch)) {
                        return batch;
                    }
                } else if (batch.offer(item)) {
                    lanes.released(item.chars());
                    if (item.stream() != null && item.accounted() >= 0) {
                        item.stream().written(item.accounted());
                    }
                } else {
                    return batch;
                }
                lanes.poll();
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Guarded by {@link #lock}. Adds a conflated slot's frames (its gap, its newest event, then what was
     * held behind it); false when they do not fit.
     */
    private boolean takeSlot(ConflationSlot slot, WriteBatch batch) {
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
        if (!batch.offerConflated(frames)) {
            return false;
        }
        if (skipped) {
            counters.gapAnnounced();
        }
        lanes.released(slot.sent(clock.millis()));
        slot.stream().written(slot.accountedSeq());
        return true;
    }

    /** The transport broke mid-write: stop for good, the owner decides how to close. */
    private void failWrite() {
        if (failed.compareAndSet(false, true)) {
            lock.lock();
            try {
                lanes.clear();
            } finally {
                lock.unlock();
            }
            onFailure.accept(Failure.SEND_FAILED);
        }
    }
}
