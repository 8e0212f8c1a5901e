package io.pushwire.server.core;

import io.pushwire.protocol.FrameCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A connection's outbound queue and its one serial writer.
 *
 * <p>Producers (publishers, the inbound handler) only enqueue and never block. A drain runs on the
 * writer executor while anything is queued: it takes every pending frame up to the batch limits and
 * writes them as ONE WebSocket message (a JSON array when there is more than one frame). A lone frame is
 * written at once, with no timer tick; frames that arrive during a write are batched into the next one,
 * so batches grow exactly when the client (or the network) is the bottleneck.
 *
 * <p>Queue size is accounted in characters of encoded JSON (equal to bytes for ASCII). Over the budget
 * the connection is failed through {@code onFailure}; the hub and other connections are unaffected.
 */
final class Outbound {
    /** Why the writer stopped; handed to the owner once. */
    enum Failure { OVERFLOW, SEND_FAILED }

    private final Transport transport;
    private final Executor writer;
    private final OutboundSettings settings;
    private final ServerCounters counters;
    private final Consumer<Failure> onFailure;
    private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedChars = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();
    /** Messages written so far; the heartbeat compares it between sweeps to find idle connections. */
    private volatile long messagesWritten;
    /** Set once: no frame is accepted after it, and the writer closes the transport after the last frame. */
    private volatile CloseRequest closeRequest;

    private record CloseRequest(int code, String reason) {
    }

    Outbound(Transport transport, Executor writer, OutboundSettings settings, ServerCounters counters,
             Consumer<Failure> onFailure) {
        this.transport = transport;
        this.writer = writer;
        this.settings = settings;
        this.counters = counters;
        this.onFailure = onFailure;
    }

    /** Queues one encoded frame; never blocks. Ignored once closing. */
    void enqueue(String frame) {
        if (closeRequest != null || failed.get()) {
            return;
        }
        if (queuedChars.addAndGet(frame.length()) > settings.maxQueueBytes()) {
            queuedChars.addAndGet(-frame.length());
            fail(Failure.OVERFLOW);
            return;
        }
        queue.add(frame);
        scheduleDrain();
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

    /** Frames waiting to be written. */
    int queuedFrames() {
        return queue.size();
    }

    long queuedBytes() {
        return queuedChars.get();
    }

    private void scheduleDrain() {
        if (draining.compareAndSet(false, true)) {
            writer.execute(this::drain);
        }
    }

    private void drain() {
        try {
            while (!failed.get()) {
                List<String> batch = takeBatch();
                if (!batch.isEmpty()) {
                    transport.send(FrameCodec.joinBatch(batch));
                    counters.messageOut(batch.size());
                    messagesWritten++; // single writer: the drain loop runs on one thread at a time
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
                if ((queue.isEmpty() && closeRequest == null) || !draining.compareAndSet(false, true)) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(Failure.SEND_FAILED);
        }
    }

    private List<String> takeBatch() {
        List<String> batch = new ArrayList<>();
        long bytes = 0;
        String next;
        while (batch.size() < settings.maxBatchFrames() && (next = queue.peek()) != null) {
            // A batch of n frames is written as "[" + frames joined by "," + "]": n + 1 extra characters.
            if (!batch.isEmpty() && bytes + next.length() + batch.size() + 2 > settings.maxBatchBytes()) {
                break;
            }
            queue.poll();
            batch.add(next);
            bytes += next.length();
        }
        queuedChars.addAndGet(-bytes);
        return batch;
    }

    /** Stops the writer for good; the owner decides how to close the transport. */
    private void fail(Failure failure) {
        if (failed.compareAndSet(false, true)) {
            queue.clear();
            queuedChars.set(0);
            onFailure.accept(failure);
        }
    }
}
