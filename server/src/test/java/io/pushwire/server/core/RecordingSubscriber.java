package io.pushwire.server.core;

import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A {@link Subscriber} that keeps every encoded frame it is offered, exactly as offered, events or not. */
final class RecordingSubscriber implements Subscriber {
    private static final FrameCodec CODEC = new FrameCodec();

    private final List<String> offered = Collections.synchronizedList(new ArrayList<>());

    private final List<Long> accounted = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void offerFrame(String encodedFrame, long accountedSeq) {
        offered.add(encodedFrame);
        accounted.add(accountedSeq);
    }

    @Override
    public void offerEvent(long seq, String encodedEvent) {
        offered.add(encodedEvent);
    }

    /** The {@code accountedSeq} of each non-event frame, in order. */
    List<Long> accounted() {
        synchronized (accounted) {
            return List.copyOf(accounted);
        }
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
