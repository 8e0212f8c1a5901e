package io.pushwire.server.core;

/**
 * The one pending event of a {@code mode: conflate} subscription. A newer event replaces the pending
 * one; when the writer takes it, the seqs the client never saw are announced first with a
 * {@code gap reason conflated}. With an interval, at most one event leaves per interval.
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

    /** Replaces the pending event, if any. */
    void replace(long seq, String encoded) {
        pending = encoded;
        pendingSeq = seq;
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

    /** The pending event left at {@code now}; returns its characters. */
    int sent(long now) {
        int length = pending.length();
        accountedSeq = pendingSeq;
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
        int length = pending == null ? 0 : pending.length();
        pending = null;
        return length;
    }

    boolean cancelled() {
        return cancelled;
    }
}
