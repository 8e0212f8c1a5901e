package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.protocol.FrameCodec;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboundTest {
    private final FakeTransport transport = new FakeTransport();
    private final ServerCounters counters = new ServerCounters();
    private final List<Outbound.Failure> failures = new CopyOnWriteArrayList<>();
    /** Runs drains only when the test says so: batching becomes deterministic. */
    private final ManualExecutor manual = new ManualExecutor();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private static final FrameCodec CODEC = new FrameCodec();
    private final InstantSource clock = InstantSource.system();
    private final Scheduler scheduler = (task, delayMs) -> {
        throw new AssertionError("no timer is needed without conflation");
    };

    @AfterEach
    void tearDown() {
        transport.releaseSends();
        threads.shutdownNow();
    }

    private Outbound outbound(Executor writer, int maxBatchFrames, int maxBatchBytes, long maxQueueBytes) {
        return new Outbound(transport, writer, scheduler, clock, CODEC,
                new OutboundSettings(maxBatchFrames, maxBatchBytes, maxQueueBytes), counters, failures::add);
    }

    /** A frame of exactly {@code length} characters, distinguishable by {@code tag}. */
    private static String frame(int tag, int length) {
        String head = "{\"n\":" + tag + ",\"p\":\"";
        return head + "x".repeat(length - head.length() - 2) + "\"}";
    }

    @Test
    void aLoneFrameIsWrittenAsIsNotWrappedInAnArray() {
        Outbound out = outbound(threads, 64, 65_536, 1 << 20);
        String frame = frame(1, 40);

        out.enqueue(frame);

        FakeTransport.await(() -> transport.sent().size() == 1, "the frame to be written");
        assertSame(frame, transport.sent().get(0));
    }

    @Test
    void framesQueuedDuringABlockedWriteGoNextAsOneArrayInOrder() {
        Outbound out = outbound(threads, 64, 65_536, 1 << 20);
        transport.blockSends();
        out.enqueue(frame(1, 30));
        transport.awaitSendsStarted(1);

        out.enqueue(frame(2, 30));
        out.enqueue(frame(3, 30));
        out.enqueue(frame(4, 30));
        transport.releaseSends();

        FakeTransport.await(() -> transport.sent().size() == 2, "two writes");
        assertEquals(frame(1, 30), transport.sent().get(0));
        assertEquals("[" + frame(2, 30) + "," + frame(3, 30) + "," + frame(4, 30) + "]", transport.sent().get(1));
        assertEquals(2L, counters.snapshot().get("messagesOut"));
        assertEquals(4L, counters.snapshot().get("framesOut"));
    }

    @Test
    void batchesHoldAtMostMaxBatchFrames() {
        Outbound out = outbound(manual, 3, 65_536, 1 << 20);
        for (int i = 1; i <= 7; i++) {
            out.enqueue(frame(i, 20));
        }

        manual.runAll();

        List<String> sent = transport.sent();
        assertEquals(List.of(
                "[" + frame(1, 20) + "," + frame(2, 20) + "," + frame(3, 20) + "]",
                "[" + frame(4, 20) + "," + frame(5, 20) + "," + frame(6, 20) + "]",
                frame(7, 20)), sent);
    }

    @Test
    void batchesStopBeforeMaxBatchBytesButAnOversizedFrameStillGoesAlone() {
        Outbound out = outbound(manual, 64, 50, 1 << 20);
        out.enqueue(frame(1, 20));
        out.enqueue(frame(2, 20));
        out.enqueue(frame(3, 20));
        out.enqueue(frame(4, 80));
        out.enqueue(frame(5, 20));

        manual.runAll();

        assertEquals(List.of(
                "[" + frame(1, 20) + "," + frame(2, 20) + "]",
                frame(3, 20),
                frame(4, 80),
                frame(5, 20)), transport.sent());
    }

    /** OutboundSettings documents maxBatchBytes as "most characters of JSON in one batched message". */
    @Test
    void aBatchedMessageNeverExceedsMaxBatchBytesIncludingItsBracketsAndCommas() {
        Outbound out = outbound(manual, 64, 100, 1 << 20);
        for (int i = 1; i <= 8; i++) {
            out.enqueue(frame(i, 25));
        }

        manual.runAll();

        for (String message : transport.sent()) {
            assertTrue(message.length() <= 100, message.length() + " characters: " + message);
        }
    }

    @Test
    void exceedingMaxQueueBytesFailsWithOverflowExactlyOnceAndIgnoresLaterFrames() {
        Outbound out = outbound(manual, 64, 65_536, 50);
        out.enqueue(frame(1, 20));
        out.enqueue(frame(2, 20));
        assertEquals(List.of(), failures, "40 of 50 characters is within budget");

        out.enqueue(frame(3, 20));
        out.enqueue(frame(4, 20));
        out.enqueue(frame(5, 15));

        assertEquals(List.of(Outbound.Failure.OVERFLOW), failures);
        assertEquals(0, out.queuedFrames(), "the queue is dropped on failure");
        manual.runAll();
        assertEquals(List.of(), transport.sent(), "nothing is written after the failure");
        assertEquals(List.of(Outbound.Failure.OVERFLOW), failures);
    }

    @Test
    void aWriteThatFailsAfterAnOverflowDoesNotReportASecondFailure() throws Exception {
        List<Thread> drains = new CopyOnWriteArrayList<>();
        Outbound out = outbound(task -> drains.add(Thread.ofVirtual().start(task)), 64, 65_536, 50);
        transport.blockSends();
        transport.failSendsWith(new IOException("connection reset"));
        out.enqueue(frame(1, 20));
        transport.awaitSendsStarted(1);

        out.enqueue(frame(2, 30));
        out.enqueue(frame(3, 30));
        assertEquals(List.of(Outbound.Failure.OVERFLOW), failures);
        // The blocked write now fails too; the owner must still hear of one failure only.
        transport.releaseSends();
        for (Thread drain : drains) {
            drain.join(FakeTransport.TIMEOUT_MS);
        }

        assertEquals(List.of(Outbound.Failure.OVERFLOW), failures);
    }

    @Test
    void closeAfterFlushWritesWhatIsQueuedThenClosesWithTheCode() {
        Outbound out = outbound(manual, 64, 65_536, 1 << 20);
        out.enqueue(frame(1, 20));
        out.enqueue(frame(2, 20));

        out.closeAfterFlush(4400, "bye");
        out.enqueue(frame(3, 20));
        out.closeAfterFlush(1000, "second close is ignored");
        manual.runAll();

        assertEquals(List.of("[" + frame(1, 20) + "," + frame(2, 20) + "]"), transport.sent());
        assertEquals(List.of("send", "close:4400"), transport.timeline());
        assertEquals(List.of(), failures);
    }

    @Test
    void closeAfterFlushWithNothingQueuedClosesAtOnce() {
        Outbound out = outbound(threads, 64, 65_536, 1 << 20);

        out.closeAfterFlush(1001, "going away");

        assertEquals(1001, transport.awaitClose());
        assertEquals(List.of(), transport.sent());
    }

    @Test
    void anIOExceptionFromSendFailsWithSendFailedOnce() {
        Outbound out = outbound(manual, 64, 65_536, 1 << 20);
        transport.failSendsWith(new IOException("connection reset"));

        out.enqueue(frame(1, 20));
        manual.runAll();
        out.enqueue(frame(2, 20));
        manual.runAll();

        assertEquals(List.of(Outbound.Failure.SEND_FAILED), failures);
        assertEquals(1, transport.sendsStarted(), "no write is attempted after the failure");
    }

    @Test
    void settingsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new OutboundSettings(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new OutboundSettings(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new OutboundSettings(1, 1, 0));
    }
}
