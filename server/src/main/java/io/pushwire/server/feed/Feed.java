package io.pushwire.server.feed;

import java.util.Map;

/** An upstream source of events that publishes into the hub. */
public interface Feed extends AutoCloseable {
    /** Short name, also the namespace of its channels ({@code sim}, {@code binance}, ...). */
    String name();

    /** Declares its channels and starts publishing; returns at once. */
    void start();

    /** Whether it is delivering data now. */
    boolean isRunning();

    /** Whether readiness goes DOWN while this feed is not running. */
    boolean required();

    /** Facts for health data: state, counts, last message age. */
    Map<String, Object> describe();

    /** Stops publishing and releases its threads. */
    @Override
    void close();
}
