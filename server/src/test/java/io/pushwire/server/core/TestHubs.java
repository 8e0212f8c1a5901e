package io.pushwire.server.core;

import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Subscribe;
import io.pushwire.server.broker.HistorySettings;
import io.pushwire.server.broker.MemoryBroker;
import java.time.InstantSource;

/** Hubs over the embedded broker, for tests of the core without a server around it. */
final class TestHubs {
    private static final FrameCodec CODEC = new FrameCodec();

    private TestHubs() {
    }

    /** A hub whose channels (and {@code $me} streams) keep {@code history}. */
    static Hub memory(InstantSource clock, ServerCounters counters, HistorySettings history, ChannelRules rules,
                      int maxChannels) {
        return new Hub(new MemoryBroker(CODEC, clock, history, history), CODEC, clock, counters, rules, maxChannels);
    }

    /** Joins {@code subscriber} to the channel {@code request} names, as a session's subscribe would. */
    static void join(Hub hub, Subscriber subscriber, Subscribe request) {
        hub.join(hub.route(request.channel()).orElseThrow(), subscriber, request, null);
    }
}
