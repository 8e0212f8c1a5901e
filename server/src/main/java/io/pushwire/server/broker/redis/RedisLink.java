package io.pushwire.server.broker.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A node's connections to Redis, one for commands and one for pub/sub (and a third for Bucket4j's shared
 * buckets, which it keeps as bytes), to one Redis or to a Redis Cluster. On a cluster, channels go over sharded pub/sub ({@code SSUBSCRIBE}, {@code SPUBLISH}): a
 * channel's publications then reach only the shard that holds its keys, not every node of the cluster.
 * Both connections reconnect by themselves; a command while disconnected fails at once.
 */
final class RedisLink implements AutoCloseable {
    private static final RedisCodec<String, byte[]> BUCKET_CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    /** A bucket is dropped from Redis once it would be full again: nothing worth keeping. */
    private static final ExpirationAfterWriteStrategy BUCKET_EXPIRY =
            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(5));
    private final ClientResources resources;
    private final AutoCloseable client;
    private final StatefulRedisPubSubConnection<String, String> pubsub;
    private final RedisClusterCommands<String, String> sync;
    private final RedisClusterAsyncCommands<String, String> async;
    private final AutoCloseable commands;
    /** Bucket4j's view of Redis: a third connection, as Bucket4j stores its state as bytes. */
    private final ProxyManager<String> buckets;
    private final AutoCloseable bucketConnection;
    private final boolean cluster;
    /** host:port of the first URI, for messages: never the URI, which may hold a password. */
    private final String address;

    private RedisLink(ClientResources resources, AutoCloseable client, AutoCloseable commands,
                      RedisClusterCommands<String, String> sync, RedisClusterAsyncCommands<String, String> async,
                      StatefulRedisPubSubConnection<String, String> pubsub, boolean cluster, String address,
                      ProxyManager<String> buckets, AutoCloseable bucketConnection) {
        this.buckets = buckets;
        this.bucketConnection = bucketConnection;
        this.resources = resources;
        this.client = client;
        this.commands = commands;
        this.sync = sync;
        this.async = async;
        this.pubsub = pubsub;
        this.cluster = cluster;
        this.address = address;
    }

    /** host:port of the first of the comma-separated {@code uris}. */
    static String addressOf(String uris) {
        RedisURI first = RedisURI.create(seeds(uris).get(0));
        return first.getHost() + ":" + first.getPort();
    }

    private static List<String> seeds(String uris) {
        return Arrays.stream(uris.split(",")).map(String::trim).filter(uri -> !uri.isEmpty()).toList();
    }

    /**
     * Connects to {@code uris}: one URI is one Redis, several are seeds of a Redis Cluster. {@code
     * onConnectionChange} runs when a connection drops or comes back.
     *
     * @throws RedisException when Redis cannot be reached now
     */
    static RedisLink connect(String uris, Duration timeout, RedisPubSubListener<String, String> listener,
                             Runnable onConnectionChange) {
        List<RedisURI> seeds = seeds(uris).stream().map(RedisURI::create).toList();
        seeds.forEach(seed -> seed.setTimeout(timeout));
        // Reconnect soon after Redis is back (Lettuce's default waits up to 30 s between attempts).
        ClientResources resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisConnectionStateListener watcher = new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                onConnectionChange.run();
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection,
                                         SocketAddress socketAddress) {
                onConnectionChange.run();
            }
        };
        String address = addressOf(uris);
        try {
            return seeds.size() == 1 ? standalone(resources, seeds.get(0), timeout, listener, watcher, address)
                    : cluster(resources, seeds, timeout, listener, watcher, address);
        } catch (RuntimeException e) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static RedisLink standalone(ClientResources resources, RedisURI uri, Duration timeout,
                                        RedisPubSubListener<String, String> listener,
                                        RedisConnectionStateListener watcher, String address) {
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout)).build());
        try {
            StatefulRedisConnection<String, String> commands = client.connect();
            StatefulRedisPubSubConnection<String, String> pubsub = client.connectPubSub();
            StatefulRedisConnection<String, byte[]> bucketConnection = client.connect(BUCKET_CODEC);
            pubsub.addListener(listener);
            client.addListener(watcher);
            return new RedisLink(resources, client::close, commands::close, commands.sync(), commands.async(), pubsub,
                    false, address, LettuceBasedProxyManager.builderFor(bucketConnection)
                    .withExpirationStrategy(BUCKET_EXPIRY).build(), bucketConnection::close);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    private static RedisLink cluster(ClientResources resources, List<RedisURI> seeds, Duration timeout,
                                     RedisPubSubListener<String, String> listener,
                                     RedisConnectionStateListener watcher, String address) {
        RedisClusterClient client = RedisClusterClient.create(resources, seeds);
        // Not REJECT_COMMANDS: a cluster connects to a node only when a command first needs it, and would
        // refuse that first command. While a node is down, commands to it wait for the timeout instead.
        client.setOptions(ClusterClientOptions.builder().autoReconnect(true)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                // Follow failovers and slot moves as they happen, not only on a schedule.
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers()
                        .enablePeriodicRefresh(Duration.ofSeconds(30)).build())
                .build());
        try {
            StatefulRedisClusterConnection<String, String> commands = client.connect();
            StatefulRedisClusterPubSubConnection<String, String> pubsub = client.connectPubSub();
            StatefulRedisClusterConnection<String, byte[]> bucketConnection = client.connect(BUCKET_CODEC);
            pubsub.setNodeMessagePropagation(true);
            pubsub.addListener(listener);
            client.addListener(watcher);
            return new RedisLink(resources, client::close, commands::close, commands.sync(), commands.async(), pubsub,
                    true, address, LettuceBasedProxyManager.builderFor(bucketConnection)
                    .withExpirationStrategy(BUCKET_EXPIRY).build(), bucketConnection::close);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /** Bucket4j's buckets in this Redis. */
    ProxyManager<String> buckets() {
        return buckets;
    }

    RedisClusterCommands<String, String> sync() {
        return sync;
    }

    RedisClusterAsyncCommands<String, String> async() {
        return async;
    }

    /** Whether it is a Redis Cluster: sharded pub/sub. */
    boolean cluster() {
        return cluster;
    }

    /** The command the scripts publish with. */
    String publishCommand() {
        return cluster ? "SPUBLISH" : "PUBLISH";
    }

    /** Publishes {@code message} on {@code channel} (sharded on a cluster); returns how many subscribers heard it. */
    Long publishTo(String channel, String message) {
        return cluster ? sync.spublish(channel, message) : sync.publish(channel, message);
    }

    /** Subscribes this node to a channel's pub/sub channel; returns once Redis confirmed it. */
    void subscribe(String channel) {
        if (cluster) {
            pubsub.sync().ssubscribe(channel);
        } else {
            pubsub.sync().subscribe(channel);
        }
    }

    /** Unsubscribes, without waiting: the returned stage completes when Redis confirmed it. */
    CompletionStage<Void> unsubscribe(String channel) {
        return cluster ? pubsub.async().sunsubscribe(channel) : pubsub.async().unsubscribe(channel);
    }

    String address() {
        return address;
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : List.<AutoCloseable>of(pubsub::close, commands, bucketConnection, client)) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
