package io.pushwire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pushwire.client.PublishBufferFullException;
import io.pushwire.client.PushClientException;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Publish;
import io.pushwire.protocol.Welcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bounded buffer of publishes: refused at once when full, held while not connected or rate limited,
 * written in order and in batches, each place given back when its write completes. The test's thread
 * plays the event thread; write completions are reported on a real one, as in the client.
 */
class PublishBufferTest {
    private static final FrameCodec CODEC = new FrameCodec();
    private final RecordingTransport transport = new RecordingTransport();
    private final List<String> written = transport.written;
    private final FrameSender sender = new FrameSender(CODEC);
    private final ManualConnection connection = new ManualConnection();
    private final EventThread loop = new EventThread();
    private final PublishBuffer buffer = new PublishBuffer(3, sender, connection, loop, connection.time);

    {
        sender.attach(transport, error -> { });
    }

    @AfterEach
    void stop() {
        loop.shutdown();
    }

    @Test
    void aPublishOverCapacityIsRefusedAtOnceAndTakesNoPlace() {
        for (int i = 1; i <= 3; i++) {
            buffer.add(buffer.reserve("chat.room1", data(i)));
        }
        PublishBufferFullException full = assertThrows(PublishBufferFullException.class,
                () -> buffer.reserve("chat.room1", data(4)));
        assertEquals(3, full.capacity());
        assertEquals(3, buffer.unsent());
    }

    @Test
    void publishesWaitWhileDisconnectedAndAreWrittenInOrderInOneBatchOnFlush() {
        List<PublishBuffer.Pending> pending = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            pending.add(buffer.reserve("chat.room1", data(i)));
            buffer.add(pending.get(i - 1));
        }
        buffer.flush();
        assertEquals(List.of(), written);
        assertEquals(0, connection.queuedTasks(), "nothing is scheduled while disconnected");

        connection.connected = true;
        buffer.flush();
        assertEquals(1, written.size());
        assertEquals(List.of(1, 2, 3), numbers(written.get(0)));
        reportsDone();
        pending.forEach(publish -> assertTrue(publish.written().isDone()));
        assertEquals(0, buffer.unsent());
    }

    @Test
    void aBurstMadeWhileConnectedIsWrittenOnceAsOneMessage() {
        connection.connected = true;
        buffer.add(buffer.reserve("chat.room1", data(1)));
        buffer.add(buffer.reserve("chat.room1", data(2)));
        assertEquals(1, connection.queuedTasks(), "one flush for the burst");
        assertEquals(List.of(), written);
        connection.runQueued();
        assertEquals(1, written.size());
        assertEquals(List.of(1, 2), numbers(written.get(0)));
    }

    @Test
    void aRateLimitHoldsPublishingBackUntilItEnds() {
        connection.connected = true;
        long now = connection.time.nowMillis();
        buffer.holdBack(now, 1_000);
        buffer.holdBack(now, 500); // a shorter hold does not shorten the longer one
        buffer.add(buffer.reserve("chat.room1", data(1)));
        connection.runQueued();
        connection.time.advance(999);
        assertEquals(List.of(), written);
        connection.time.advance(1);
        assertEquals(List.of(1), numbers(written.get(0)));
    }

    @Test
    void theEndOfAConnectionLiftsItsRateLimit() {
        buffer.holdBack(connection.time.nowMillis(), 60_000);
        buffer.connectionEnded();
        assertEquals(List.of(), connection.time.pendingDelays(), "the pause timer is cancelled");
        connection.connected = true;
        buffer.add(buffer.reserve("chat.room1", data(1)));
        buffer.flush();
        assertEquals(1, written.size());
    }

    @Test
    void aPublishOverTheFrameLimitFailsAloneAndIsNotSent() {
        sender.limits(new Welcome.Limits(50, 100, 100));
        connection.connected = true;
        PublishBuffer.Pending small = buffer.reserve("chat.room1", data(1));
        PublishBuffer.Pending huge = buffer.reserve("chat.room1",
                JsonNodeFactory.instance.objectNode().put("blob", "x".repeat(200)));
        buffer.add(small);
        buffer.add(huge);
        connection.runQueued();
        PushClientException failure = assertInstanceOf(PushClientException.class,
                assertThrows(CompletionException.class, huge.written()::join).getCause());
        assertEquals(ErrorCode.TOO_LARGE, failure.errorCode());
        assertEquals(List.of(1), numbers(written.get(0)));
        reportsDone();
        assertEquals(0, buffer.unsent());
    }

    @Test
    void aFailedWriteFailsThePublishesItCarried() {
        connection.connected = true;
        transport.nextWrite = CompletableFuture.failedFuture(new IOException("broken pipe"));
        PublishBuffer.Pending publish = buffer.reserve("chat.room1", data(1));
        buffer.add(publish);
        connection.runQueued();
        reportsDone();
        PushClientException failure = assertInstanceOf(PushClientException.class,
                assertThrows(CompletionException.class, publish.written()::join).getCause());
        assertEquals("publish to 'chat.room1' was not written: IOException: broken pipe", failure.getMessage());
        assertEquals(0, buffer.unsent());
    }

    @Test
    void failingAllGivesEveryPlaceBack() {
        PublishBuffer.Pending first = buffer.reserve("chat.room1", data(1));
        buffer.add(first);
        PushClientException stopped = new PushClientException("stopped", null, 4403, null);
        buffer.failAll(stopped);
        assertEquals(stopped, assertThrows(CompletionException.class, first.written()::join).getCause());
        assertEquals(0, buffer.unsent());
        connection.connected = true;
        buffer.flush();
        assertEquals(List.of(), written);
    }

    @Test
    void aPublishFromAnyThreadIsQueuedOnTheEventThread() {
        CompletableFuture<Void> written = buffer.publish("chat.room1", data(1));
        reportsDone();
        assertEquals(1, buffer.unsent());
        assertFalse(written.isDone(), "waits for a connection");
        connection.connected = true;
        buffer.flush();
        assertEquals(List.of(1), numbers(transport.written.get(0)));
    }

    @Test
    void afterCloseAPublishThatReachesTheEventThreadFailsAndGivesItsPlaceBack() {
        buffer.close();
        PublishBuffer.Pending late = buffer.reserve("chat.room1", data(1));
        buffer.add(late);
        assertEquals("client is closed", assertThrows(CompletionException.class, late.written()::join)
                .getCause().getMessage());
        assertEquals(0, buffer.unsent());
        loop.shutdown();
        CompletableFuture<Void> refused = buffer.publish("chat.room1", data(2));
        assertTrue(refused.isCompletedExceptionally(), "the event thread is gone: failed at once");
        assertEquals(0, buffer.unsent());
    }

    @Test
    void writtenPublishesCompleteOnTheEventThread() {
        connection.connected = true;
        PublishBuffer.Pending publish = buffer.reserve("chat.room1", data(1));
        CompletableFuture<String> thread = publish.written().thenApply(ok -> Thread.currentThread().getName());
        buffer.add(publish);
        connection.runQueued();
        assertEquals(loop.name(), thread.join());
    }

    /** Waits until the event thread has reported the writes queued so far. */
    private void reportsDone() {
        loop.call(() -> null).join();
    }

    private static List<Integer> numbers(String message) {
        List<Integer> numbers = new ArrayList<>();
        for (Frame frame : CODEC.decode(message)) {
            numbers.add(((Publish) frame).data().get("n").asInt());
        }
        return numbers;
    }

    private static JsonNode data(int n) {
        return JsonNodeFactory.instance.objectNode().put("n", n);
    }
}
