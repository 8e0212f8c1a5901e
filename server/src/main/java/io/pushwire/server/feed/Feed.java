package io.pushwire.server.feed;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** An upstream source of events that publishes into the hub. */
public interface Feed extends AutoCloseable {
    /** Short name, also the namespace of its channels ({@code sim}, {@code binance}, ...). */
    String name();

    /** The channels it serves. */
    List<String> channels();

    /**
     * Called before {@link #start} on a node that takes the feed over from another: the data of the latest
     * event of each of its channels that has one, so that it continues after them (a source's ids, prices)
     * rather than publishing again what the last leader published.
     */
    default void continueAfter(Map<String, JsonNode> latestData) {
    }

    /** Declares its channels and starts publishing; returns at once. */
    void start();

    /** Whether it is delivering data now. */
    boolean isRunning();

    /** Whether readiness goes DOWN while this feed is not running. */
    boolean required();

    /** Facts for health data: state, counts, last message age. */
    Map<String, Object> describe();

    /** Its figures for {@code /metrics}. */
    Figures figures();

    /**
     * A feed's figures.
     *
     * @param connected        delivering now (an exchange feed: live)
     * @param reconnects       connections after the first
     * @param lastMessageAgeMs since the last message from its source; -1 before the first
     * @param gaps             upstream gaps announced
     * @param missingEvents    source ids those gaps covered
     * @param published        events published
     * @param leading          whether it runs on this node (in a cluster, one node runs each feed)
     */
    record Figures(boolean connected, long reconnects, long lastMessageAgeMs, long gaps, long missingEvents,
                   long published, boolean leading) {
        /** A feed's own figures: running here. */
        public Figures(boolean connected, long reconnects, long lastMessageAgeMs, long gaps, long missingEvents,
                       long published) {
            this(connected, reconnects, lastMessageAgeMs, gaps, missingEvents, published, true);
        }
    }

    /** Stops publishing and releases its threads. */
    @Override
    void close();
}
