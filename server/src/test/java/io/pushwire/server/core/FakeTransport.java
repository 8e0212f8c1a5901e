package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.fail;

import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A {@link Transport} that records what the server wrote and how it closed. It can block its writer (a slow
 * client: {@link #blockSends()}) or fail it (a reset: {@link #failSendsWith}). Writes happen on the server's
 * writer thread, so readers use the {@code await...} methods, which poll briefly instead of sleeping.
 */
final class FakeTransport implements Transport {
    static final long TIMEOUT_MS = 5_000;
    private static final FrameCodec CODEC = new FrameCodec();

    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
    /** Sends and closes in the order they happened: {@code "send"} or {@code "close:<code>"}. */
    private final List<String> timeline = new CopyOnWriteArrayList<>();
    private final AtomicInteger sendsStarted = new AtomicInteger();
    private volatile CountDownLatch gate;
    private volatile IOException sendFailure;

    /** From now on every send blocks until {@link #releaseSends()} (bounded, so a forgotten gate cannot hang a run). */
    void blockSends() {
        gate = new CountDownLatch(1);
    }

    void releaseSends() {
        CountDownLatch current = gate;
        gate = null;
        if (current != null) {
            current.countDown();
        }
    }

    void failSendsWith(IOException failure) {
        this.sendFailure = failure;
    }

    @Override
    public void send(String text) throws IOException {
        sendsStarted.incrementAndGet();
        CountDownLatch current = gate;
        if (current != null) {
            try {
                if (!current.await(10, TimeUnit.SECONDS)) {
                    throw new IOException("test gate never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while blocked");
            }
        }
        IOException failure = sendFailure;
        if (failure != null) {
            throw failure;
        }
        sent.add(text);
        timeline.add("send");
    }

    @Override
    public void close(int code, String reason) {
        closeCodes.add(code);
        timeline.add("close:" + code);
    }

    private String remoteAddress = "fake";

    /** Pretends the peer is at {@code address} ({@code /10.0.3.7:51234}); returns this. */
    FakeTransport from(String address) {
        this.remoteAddress = address;
        return this;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    /** Raw messages written, each one WebSocket message (a frame or a batch array). */
    private final java.util.concurrent.atomic.AtomicInteger aborts = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public boolean abort() {
        aborts.incrementAndGet();
        releaseSends();
        return true;
    }

    int aborts() {
        return aborts.get();
    }

    List<String> sent() {
        return List.copyOf(sent);
    }

    List<Integer> closeCodes() {
        return List.copyOf(closeCodes);
    }

    List<String> timeline() {
        return List.copyOf(timeline);
    }

    int sendsStarted() {
        return sendsStarted.get();
    }

    /** Every frame written so far, batches flattened, in delivery order. */
    List<Frame> frames() {
        List<Frame> frames = new ArrayList<>();
        for (String message : sent) {
            frames.addAll(CODEC.decode(message));
        }
        return frames;
    }

    <T extends Frame> List<T> frames(Class<T> type) {
        return frames().stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends Frame> T awaitFrame(Class<T> type) {
        return awaitFrame(type, frame -> true);
    }

    <T extends Frame> T awaitFrame(Class<T> type, Predicate<? super T> matching) {
        List<T> found = new ArrayList<>();
        await(() -> {
            frames(type).stream().filter(matching).findFirst().ifPresent(found::add);
            return !found.isEmpty();
        }, "a " + type.getSimpleName() + " frame; got " + frames());
        return found.get(0);
    }

    /** Waits for the first close and returns its code. */
    int awaitClose() {
        await(() -> !closeCodes.isEmpty(), "a close; frames so far " + frames());
        return closeCodes.get(0);
    }

    void awaitSendsStarted(int count) {
        await(() -> sendsStarted.get() >= count, count + " sends started");
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + TIMEOUT_MS + " ms waiting for " + what);
            }
            LockSupport.parkNanos(200_000);
        }
    }
}
