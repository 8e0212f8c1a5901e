package io.pushwire.client;

import io.pushwire.protocol.Event;

/** Receives the events of one channel, in seq order, on the client's event thread. */
@FunctionalInterface
public interface EventHandler {
    /**
     * Called once per event. An exception thrown here is reported to {@link PushListener#onError} and
     * does not stop delivery.
     */
    void onEvent(Event event);
}
