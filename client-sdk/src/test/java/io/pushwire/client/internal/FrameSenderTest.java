package io.pushwire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pushwire.client.PushClientException;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Ping;
import io.pushwire.protocol.Publish;
import io.pushwire.protocol.Refresh;
import io.pushwire.protocol.Welcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Ids, the frame limit, batching and the requests an error reply can refer to. */
class FrameSenderTest {
    private static final FrameCodec CODEC = new FrameCodec();
    private final RecordingTransport transport = new RecordingTransport();
    private final List<String> written = transport.written;
    private final List<Throwable> writeFailures = new ArrayList<>();
    private final FrameSender sender = new FrameSender(CODEC);

    {
        sender.attach(transport, writeFailures::add);
    }

    @Test
    void aRequestIsWrittenWithTheNextIdAndFoundOnceByItsErrorReply() {
        sender.sendRequest(id -> new Refresh(id, "t1"));
        sender.sendRequest(id -> new Refresh(id, "t2"));
        assertEquals(List.of(CODEC.encode(new Refresh(1L, "t1")), CODEC.encode(new Refresh(2L, "t2"))), written);
        assertEquals(new Refresh(2L, "t2"), sender.takeRequest(2L));
        assertNull(sender.takeRequest(2L), "an error answers a request once");
        assertNull(sender.takeRequest(null), "an error without an id answers no request");
        assertEquals(3, sender.nextRequestId());
    }

    @Test
    void anEndedConnectionsRequestsAreForgottenButIdsKeepGrowing() {
        sender.sendRequest(id -> new Refresh(id, "t1"));
        sender.connectionEnded();
        assertNull(sender.takeRequest(1L));
        sender.sendRequest(id -> new Refresh(id, "t2"));
        assertEquals(new Refresh(2L, "t2"), sender.takeRequest(2L));
    }

    @Test
    void onlyTheLatestRequestsAreKept() {
        for (int i = 0; i <= FrameSender.RECENT_REQUESTS_KEPT; i++) {
            sender.sendRequest(id -> new Refresh(id, "t"));
        }
        assertNull(sender.takeRequest(1L));
        assertEquals(new Refresh(2L, "t"), sender.takeRequest(2L));
    }

    @Test
    void theFrameLimitIsTheWelcomesOrTheDefault() {
        assertEquals(FrameSender.DEFAULT_MAX_FRAME_BYTES, sender.maxFrameBytes());
        sender.limits(new Welcome.Limits(50, 100, 1_000));
        assertEquals(1_000, sender.maxFrameBytes());
        sender.connectionEnded();
        assertEquals(1_000, sender.maxFrameBytes(), "kept until the next welcome says otherwise");
        sender.limits(new Welcome.Limits(50, 100, 0));
        assertEquals(FrameSender.DEFAULT_MAX_FRAME_BYTES, sender.maxFrameBytes());
    }

    @Test
    void packedFramesGoOutInOrderWithinTheLimitAndSayHowManyEachMessageCarries() {
        sender.limits(new Welcome.Limits(50, 100, 200));
        List<String> encoded = new ArrayList<>();
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Publish publish = new Publish(sender.nextRequestId(), "chat.room1",
                    JsonNodeFactory.instance.objectNode().put("n", i));
            frames.add(publish);
            encoded.add(sender.encode(publish));
        }
        List<FrameSender.Written> messages = sender.sendPacked(encoded);
        assertEquals(written.size(), messages.size());
        assertTrue(messages.size() > 1, "five publishes do not fit in 200 bytes: " + written);
        List<Frame> decoded = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
            String message = written.get(i);
            assertTrue(message.getBytes(StandardCharsets.UTF_8).length <= 200, message);
            List<Frame> inMessage = CODEC.decode(message);
            assertEquals(inMessage.size(), messages.get(i).frames());
            assertTrue(messages.get(i).future().isDone());
            decoded.addAll(inMessage);
        }
        assertEquals(frames, decoded);
    }

    @Test
    void aSingleFrameIsWrittenAsItself() {
        sender.send(new Ping(5L));
        assertEquals(List.of(CODEC.encode(new Ping(5L))), written);
    }

    @Test
    void aFailedWriteIsReportedToTheHandlerAttachedWithTheTransport() {
        IOException broken = new IOException("broken pipe");
        transport.nextWrite = CompletableFuture.failedFuture(broken);
        CompletableFuture<Void> sent = sender.send(new Ping(5L));
        assertTrue(sent.isCompletedExceptionally());
        assertEquals(List.of(broken), writeFailures);
    }

    @Test
    void closeAndAbortGoToTheCurrentTransport() {
        sender.close(1000, "bye");
        assertEquals(1000, transport.closedWithCode);
        sender.abort();
        assertTrue(transport.aborted);
    }

    @Test
    void betweenConnectionsNothingIsWrittenAndWritesFail() {
        sender.connectionEnded();
        CompletableFuture<Void> sent = sender.send(new Ping(5L));
        PushClientException failure = assertInstanceOf(PushClientException.class,
                assertThrows(CompletionException.class, sent::join).getCause());
        assertEquals("not connected", failure.getMessage());
        sender.close(1000, "bye");
        sender.abort();
        assertEquals(List.of(), written);
        assertEquals(0, transport.closedWithCode);
        assertFalse(transport.aborted);
        assertEquals(List.of(), writeFailures, "not a failed write: there was nothing to write to");
    }
}
