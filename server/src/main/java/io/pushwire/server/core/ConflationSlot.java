package io.pushwire.server.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The one pending event of a {@code mode: conflate} subscription. A newer event replaces the pending
 * one; when the writer takes it, the seqs the client never saw are announced first with a
 * {@code gap reason conflated}. With an interval, at most one event leaves per interval.
 *
 * <p>A frame that takes a seq of its own (an upstream gap) arriving behind the pending event is held
 * here too, to be written right after that event: queued on its own it could overtake the event, and
 * the seqs before it would never be announced. A newer event replaces the held frames with the event,
 * and its conflated gap then covers their seqs.
 *
 * <p>Guarded by the lock of the {@link Outbound} it is queued in.
 */
final class ConflationSlot {
    private final ChannelStream stream;
    private final long intervalMs;
    /** The last seq the client was told about: delivered, or announced in a gap. */
    private long accountedSeq;
    private long pendingSeq;
    private String pending;
    /** Frames held behind the pending event, in seq order, and the last one's seq. */
    private final List<String> held = new ArrayList<>(0);
    private long heldSeq;
    /** Whether a reference to this slot waits in a lane. */
    private boolean queued;
    /** Whether a timer will queue this slot when the interval is over. */
    private boolean timerArmed;
    private long lastSentMs = Long.MIN_VALUE;
    private boolean cancelled;

    ConflationSlot(ChannelStream stream, long intervalMs) {
        this.stream = stream;
        this.intervalMs = intervalMs;
    }

    ChannelStream stream() {
        return stream;
    }

    /** The client now knows everything up to {@code seq} (a {@code subscribed} head, or a gap's end). */
    void accountedUpTo(long seq) {
        accountedSeq = Math.max(accountedSeq, seq);
    }

    long accountedSeq() {
        return accountedSeq;
    }

    /** Replaces the pending event, if any, and the frames held behind it. */
    void replace(long seq, String encoded) {
        pending = encoded;
        pendingSeq = seq;
        held.clear();
    }

    /** Holds a frame that takes {@code seq}, behind the pending event (there must be one). */
    void hold(long seq, String encoded) {
        held.add(encoded);
        heldSeq = seq;
    }

    /** Frames to write right after the pending event. */
    List<String> held() {
        return held;
    }

    /** Characters of the pending event and the frames held behind it. */
    int pendingChars() {
        int chars = pending == null ? 0 : pending.length();
        for (String frame : held) {
            chars += frame.length();
        }
        return chars;
    }

    boolean hasPending() {
        return pending != null && !cancelled;
    }

    String pending() {
        return pending;
    }

    long pendingSeq() {
        return pendingSeq;
    }

    /** When the next event may leave: the interval after the last one. */
    long nextSendAtMs() {
        return lastSentMs == Long.MIN_VALUE ? Long.MIN_VALUE : lastSentMs + intervalMs;
    }

    /** The pending event, and what was held behind it, left at {@code now}; returns their characters. */
    int sent(long now) {
        int length = pendingChars();
        accountedSeq = held.isEmpty() ? pendingSeq : heldSeq;
        held.clear();
        pending = null;
        queued = false;
        lastSentMs = now;
        return length;
    }

    boolean queued() {
        return queued;
    }

    void queued(boolean value) {
        queued = value;
    }

    boolean timerArmed() {
        return timerArmed;
    }

    void timerArmed(boolean value) {
        timerArmed = value;
    }

    /** The subscription ended: the pending event is dropped; returns its characters. */
    int cancel() {
        cancelled = true;
        int length = pendingChars();
        held.clear();
        pending = null;
        return length;
    }

    boolean cancelled() {
        return cancelled;
    }
}
