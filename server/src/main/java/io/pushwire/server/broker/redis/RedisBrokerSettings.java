package io.pushwire.server.broker.redis;

/**
 * How a node reaches Redis and what it keeps there.
 *
 * @param uri              Lettuce's URI syntax: {@code redis://[password@]host:port[/database]}, {@code rediss://}
 *                         for TLS
 * @param keyPrefix        put before every key and pub/sub channel, so that deployments can share a Redis
 * @param channelTtlMs     how long a channel's epoch and seq outlive its last use (publish, read, a node
 *                         listening); after that its next use starts a new epoch
 * @param checkIntervalMs  how often a node compares its channels' heads in Redis with what it delivered
 * @param commandTimeoutMs the longest a command may wait for Redis before it fails
 */
public record RedisBrokerSettings(String uri, String keyPrefix, long channelTtlMs, long checkIntervalMs,
                                  long commandTimeoutMs) {
    /** The defaults, on {@code uri}. */
    public static RedisBrokerSettings defaults(String uri) {
        return new RedisBrokerSettings(uri, "pushwire:", 86_400_000L, 1_000L, 2_000L);
    }

    /** The same with another key prefix. */
    public RedisBrokerSettings withKeyPrefix(String prefix) {
        return new RedisBrokerSettings(uri, prefix, channelTtlMs, checkIntervalMs, commandTimeoutMs);
    }
}
