package io.pushwire.server.core;

import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A {@link Subscriber} that keeps every encoded frame it is offered, exactly as offered. */
final class RecordingSubscriber implements Subscriber {
    private static final FrameCodec CODEC = new FrameCodec();

    private final List<String> offered = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void offer(String encodedFrame) {
        offered.add(encodedFrame);
    }

    /** The very String instances offered, in order. */
    List<String> offered() {
        synchronized (offered) {
            return List.copyOf(offered);
        }
    }

    List<Frame> frames() {
        return offered().stream().map(CODEC::decodeOne).toList();
    }
}
