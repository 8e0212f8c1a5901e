package io.pushwire.server.broker;

import io.pushwire.protocol.FrameCodec;

/** The embedded broker against the {@link BrokerContract}. */
class MemoryBrokerTest extends BrokerContract {
    @Override
    protected Broker newBroker(ManualClock clock, HistorySettings channels, HistorySettings inboxes) {
        return new MemoryBroker(new FrameCodec(), clock, channels, inboxes);
    }
}
