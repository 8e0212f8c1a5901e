package io.pushwire.client.internal;

import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Transport} for unit tests that keeps what is written, in order, and answers each write with
 * {@link #nextWrite} (written at once unless a test says otherwise). Test thread only.
 */
final class RecordingTransport implements Transport {
    private static final FrameCodec CODEC = new FrameCodec();
    final List<String> written = new ArrayList<>();
    CompletableFuture<Void> nextWrite = CompletableFuture.completedFuture(null);
    int closedWithCode;
    boolean aborted;

    @Override
    public CompletableFuture<Void> sendText(String text) {
        written.add(text);
        return nextWrite;
    }

    @Override
    public void close(int code, String reason) {
        closedWithCode = code;
    }

    @Override
    public void abort() {
        aborted = true;
    }

    /** The frames written so far, in order; those of a batch message one by one. */
    List<Frame> frames() {
        List<Frame> frames = new ArrayList<>();
        written.forEach(message -> frames.addAll(CODEC.decode(message)));
        return frames;
    }
}
