package io.pushwire.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.client.PublishBufferFullException;
import io.pushwire.client.PushClientException;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.Publish;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes the application made that are not written yet. While the client is not connected, or the
 * server's rate limit holds publishing back, they wait here; then they are written in order, in as few
 * batch messages as the server's limits allow. The buffer is bounded: a publish over its capacity is
 * refused at once with {@link PublishBufferFullException}, so a publisher never waits for a connection.
 *
 * <p>Threads: {@link #publish} runs on the application's thread: it takes a place with an atomic count
 * and passes the publish to the event thread. The place is given back on the event thread when the
 * publish is written or fails. Everything else is called on the event thread only, so the queue, the
 * pause and {@link #closed} need no lock.
 */
final class PublishBuffer {
    /** A publish that holds a place in the buffer; {@code written} completes when it is written. */
    record Pending(String channel, JsonNode data, CompletableFuture<Void> written) {
    }

    private final int capacity;
    private final FrameSender sender;
    private final CurrentConnection connection;
    private final EventThread loop;
    private final Scheduler clock;
    /** Publishes accepted and not yet written or failed: any thread reserves, the event thread releases. */
    private final AtomicInteger unsent = new AtomicInteger();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** The client closed: publishes that reach the event thread now fail. */
    private boolean closed;
    private boolean flushScheduled;
    /** Monotonic ms until which the server's rate limit holds publishing back. */
    private long pausedUntil = Long.MIN_VALUE;
    private Scheduler.Cancellable pauseTimer;

    PublishBuffer(int capacity, FrameSender sender, CurrentConnection connection, EventThread loop, Scheduler clock) {
        this.capacity = capacity;
        this.sender = sender;
        this.connection = connection;
        this.loop = loop;
        this.clock = clock;
    }

    /** Publishes accepted but not yet written: {@code ClientStats.publishBuffered}. Any thread. */
    int unsent() {
        return unsent.get();
    }

    /**
     * Any thread: accepts a publish, or throws {@link PublishBufferFullException} at once when the buffer
     * is full. The future completes when the publish is written, or fails when it cannot be.
     */
    CompletableFuture<Void> publish(String channel, JsonNode data) {
        Pending publish = reserve(channel, data);
        if (!loop.execute(() -> add(publish))) {
            fail(publish, Failures.closed());
        }
        return publish.written();
    }

    /** Takes a place for a publish, or throws {@link PublishBufferFullException} at once. */
    Pending reserve(String channel, JsonNode data) {
        int taken;
        do {
            taken = unsent.get();
            if (taken >= capacity) {
                throw new PublishBufferFullException(capacity);
            }
        } while (!unsent.compareAndSet(taken, taken + 1));
        return new Pending(channel, data, new CompletableFuture<>());
    }

    /** Fails a reserved publish that will not be written, and gives its place back. */
    private void fail(Pending publish, PushClientException cause) {
        unsent.decrementAndGet();
        publish.written().completeExceptionally(cause);
    }

    /** Queues a reserved publish. When connected, it is written soon, with the others of its burst. */
    void add(Pending publish) {
        if (closed) {
            fail(publish, Failures.closed());
            return;
        }
        queue.add(publish);
        if (!flushScheduled && connection.isConnected()) {
            // Publishes made in one burst go out together, as one batch message.
            flushScheduled = true;
            connection.runSoon(() -> {
                flushScheduled = false;
                flush();
            });
        }
    }

    /**
     * Writes what is queued, in order, unless the client is not connected or publishing is held back. A
     * publish over the server's {@code maxFrameBytes} fails with {@code too_large} instead of being sent,
     * since the server would close the connection for it (1009, terminal).
     */
    void flush() {
        if (!connection.isConnected() || queue.isEmpty() || clock.nowMillis() < pausedUntil) {
            return;
        }
        List<String> encoded = new ArrayList<>(queue.size());
        List<Pending> sent = new ArrayList<>(queue.size());
        int maxFrameBytes = sender.maxFrameBytes();
        Pending publish;
        while ((publish = queue.poll()) != null) {
            long id = sender.nextRequestId();
            Publish frame = new Publish(id, publish.channel(), publish.data());
            String text = sender.encode(frame);
            if (Batches.utf8Length(text) > maxFrameBytes) {
                fail(publish, new PushClientException("publish to '" + publish.channel() + "' is "
                        + Batches.utf8Length(text) + " bytes, over the server's maxFrameBytes " + maxFrameBytes,
                        ErrorCode.TOO_LARGE, 0, null));
                continue;
            }
            sender.remember(id, frame);
            encoded.add(text);
            sent.add(publish);
        }
        int index = 0;
        for (FrameSender.Written message : sender.sendPacked(encoded)) {
            List<Pending> inMessage = sent.subList(index, index + message.frames());
            index += message.frames();
            message.future().whenComplete((ok, error) -> {
                Runnable report = () -> {
                    for (Pending written : inMessage) {
                        unsent.decrementAndGet();
                        if (error == null) {
                            written.written().complete(null);
                        } else {
                            written.written().completeExceptionally(new PushClientException("publish to '"
                                    + written.channel() + "' was not written: " + Failures.describe(error), null, 0,
                                    error));
                        }
                    }
                };
                if (!loop.execute(report)) {
                    report.run(); // closed meanwhile: complete on this thread rather than never
                }
            });
        }
    }

    /** The server refused a frame as rate limited: publish nothing for {@code delayMs} from {@code now}. */
    void holdBack(long now, long delayMs) {
        long until = now + delayMs;
        if (until > pausedUntil) {
            pausedUntil = until;
            cancel();
            pauseTimer = connection.schedule(delayMs, this::flush);
        }
    }

    /** Fails every queued publish: the client stopped or closed, and they will not be written. */
    void failAll(PushClientException cause) {
        Pending publish;
        while ((publish = queue.poll()) != null) {
            fail(publish, cause);
        }
    }

    /** The client closed: nothing is queued any more. */
    void close() {
        closed = true;
    }

    /** The connection ended: queued publishes wait for the next one, and its rate limit no longer holds. */
    void connectionEnded() {
        cancel();
        pauseTimer = null;
        flushScheduled = false;
        pausedUntil = Long.MIN_VALUE;
    }

    private void cancel() {
        if (pauseTimer != null) {
            pauseTimer.cancel();
        }
    }
}
