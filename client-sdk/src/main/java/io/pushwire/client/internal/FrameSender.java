package io.pushwire.client.internal;

import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Welcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * What the client writes to the current connection, and what it needs to know to do so: request ids,
 * the server's frame size limit, batching within it, and the requests an {@code error} reply may answer.
 * The connection itself stays with {@link ClientCore}, which hands over a write function that fails
 * when there is no connection and ends the connection when a write fails.
 *
 * <p>Event thread only: no locks.
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
    private final Function<String, CompletableFuture<Void>> connection;
    private long nextRequestId = 1;
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private final Map<Long, Frame> recentRequests = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Frame> eldest) {
            return size() > RECENT_REQUESTS_KEPT;
        }
    };

    FrameSender(FrameCodec codec, Function<String, CompletableFuture<Void>> connection) {
        this.codec = codec;
        this.connection = connection;
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
        return connection.apply(codec.encode(frame));
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
            written.add(new Written(message.size(), connection.apply(FrameCodec.joinBatch(message))));
        }
        return written;
    }

    /** Requests of an ended connection are never answered: forget them. */
    void connectionEnded() {
        recentRequests.clear();
    }
}
