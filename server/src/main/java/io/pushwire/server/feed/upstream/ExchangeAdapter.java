package io.pushwire.server.feed.upstream;

import java.net.URI;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What differs between exchanges: the URL, how to subscribe, how to keep the connection alive, how to
 * read a message. The connector ({@link UpstreamFeed}) does the rest the same way for all of them.
 * Implementations are stateless after construction and are called on the feed's loop thread only.
 */
interface ExchangeAdapter {
    /** The feed's name and channel namespace: {@code binance}, {@code okx}, {@code kraken}. */
    String name();

    /** The public market-data endpoint. */
    URI defaultUrl();

    /** The exchange's own name for a stream, as its acks and errors name it. */
    String key(MarketStream stream);

    /** A subscription request and the keys it covers. */
    record Request(long id, String text, List<String> keys) {
    }

    /** The messages that subscribe to {@code streams}, request ids drawn from {@code ids}. */
    List<Request> subscribe(List<MarketStream> streams, LongSupplier ids);

    /**
     * Reads one text message. Never throws: what it cannot read is {@link Inbound.Malformed} ({@link Json#read}
     * does that for a JSON message).
     */
    Inbound read(String text);

    /** The application-level ping to send, or null when the exchange uses protocol ping frames. */
    String ping(long requestId);

    /** How to keep a connection alive and within the exchange's limits. */
    Rules rules();

    /**
     * The exchange's connection rules.
     *
     * @param heartbeat               probing and giving up, each timing overridable per feed
     * @param maxMessagesPerSecond    messages a connection may send per second without being cut off
     * @param maxStreamsPerConnection streams one connection may hold
     * @param rotateAfterMs           age at which to replace a connection before the exchange ends it; 0 for never
     */
    record Rules(Heartbeat heartbeat, double maxMessagesPerSecond, int maxStreamsPerConnection, long rotateAfterMs) {
    }

    /**
     * When the connector probes and when it gives up on a connection.
     *
     * @param pingAfterMs   send a ping when nothing arrived for this long (0: never)
     * @param keepaliveMs   send a ping when we sent nothing for this long, for exchanges that drop silent
     *                      clients (0: never)
     * @param idleTimeoutMs nothing at all arrived for this long (no data, heartbeat, ping or pong): the
     *                      connection is dead
     */
    record Heartbeat(long pingAfterMs, long keepaliveMs, long idleTimeoutMs) {
    }
}
