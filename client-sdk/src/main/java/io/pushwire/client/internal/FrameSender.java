package io.pushwire.client.internal;

import io.pushwire.client.PushClientException;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Welcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The transport of the current connection and what the client writes to it: request ids, the server's
 * frame size limit, batching within it, and the requests an {@code error} reply may answer.
 * {@link ClientCore} attaches each connection's transport when it opens and detaches it when it ends;
 * in between a failed write is reported to the handler ClientCore attached with it, which ends that
 * connection (the JDK socket is unusable after one).
 *
 * <p>Event thread only: no locks. The write-failure handler is called on the thread that completes the
 * write.
 */
final class FrameSender {
    /** The server's limit until a welcome tells the real one. */
    static final int DEFAULT_MAX_FRAME_BYTES = 65_536;
    /** Ids of requests without a success reply (hello, publish, refresh), kept to explain an error reply. */
    static final int RECENT_REQUESTS_KEPT = 1024;

    /** One message written: how many frames it carries, and when it was written. */
    record Written(int frames, CompletableFuture<Void> future) {
    }

    private final FrameCodec codec;
    /** The current connection's transport, or null between connections. */
    private Transport transport;
    private Consumer<Throwable> writeFailed;
    private long nextRequestId = 1;
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private final Map<Long, Frame> recentRequests = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Frame> eldest) {
            return size() > RECENT_REQUESTS_KEPT;
        }
    };

    FrameSender(FrameCodec codec) {
        this.codec = codec;
    }

    /** A connection opened: frames go to {@code transport} until {@link #connectionEnded()}. */
    void attach(Transport transport, Consumer<Throwable> writeFailed) {
        this.transport = transport;
        this.writeFailed = writeFailed;
    }

    /** Starts the close handshake of the current connection, if there is one. */
    void close(int code, String reason) {
        if (transport != null) {
            transport.close(code, reason);
        }
    }

    /** Drops the current connection at once, if there is one: for when a close handshake would not complete. */
    void abort() {
        if (transport != null) {
            transport.abort();
        }
    }

    /** Ids grow for the client's whole life, across connections. */
    long nextRequestId() {
        return nextRequestId++;
    }

    /** The limit a welcome announced; it stays in force for later connections until the next welcome. */
    void limits(Welcome.Limits limits) {
        maxFrameBytes = limits.maxFrameBytes() > 0 ? limits.maxFrameBytes() : DEFAULT_MAX_FRAME_BYTES;
    }

    int maxFrameBytes() {
        return maxFrameBytes;
    }

    String encode(Frame frame) {
        return codec.encode(frame);
    }

    /** Writes one frame as one message. */
    CompletableFuture<Void> send(Frame frame) {
        return write(codec.encode(frame));
    }

    /** Writes a request the server answers only when it refuses it; an error reply finds it by id. */
    void sendRequest(LongFunction<Frame> request) {
        long id = nextRequestId();
        Frame frame = request.apply(id);
        remember(id, frame);
        send(frame);
    }

    /** Keeps a request sent in a batch, so that an error reply to it can say what it refused. */
    void remember(long id, Frame request) {
        recentRequests.put(id, request);
    }

    /** The request an error reply answers, or null when it has none or it is no longer kept. */
    Frame takeRequest(Long id) {
        return id == null ? null : recentRequests.remove(id);
    }

    /** Writes encoded frames in order, in as few messages as the server's limits allow. */
    List<Written> sendPacked(List<String> encoded) {
        List<Written> written = new ArrayList<>();
        for (List<String> message : Batches.pack(encoded, maxFrameBytes, FrameCodec.MAX_BATCH_FRAMES)) {
            written.add(new Written(message.size(), write(FrameCodec.joinBatch(message))));
        }
        return written;
    }

    /** The connection ended: nothing more goes to its transport, and its requests are never answered. */
    void connectionEnded() {
        transport = null;
        writeFailed = null;
        recentRequests.clear();
    }

    /** Writes one message; fails at once when there is no connection. */
    private CompletableFuture<Void> write(String message) {
        Transport current = transport;
        if (current == null) {
            return CompletableFuture.failedFuture(new PushClientException("not connected", null, 0, null));
        }
        Consumer<Throwable> failed = writeFailed;
        CompletableFuture<Void> sent;
        try {
            sent = current.sendText(message);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.whenComplete((ok, error) -> {
            if (error != null) {
                failed.accept(error);
            }
        });
    }
}
