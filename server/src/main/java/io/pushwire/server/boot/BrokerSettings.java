package io.pushwire.server.boot;

import io.pushwire.protocol.FrameCodec;
import io.pushwire.server.broker.Broker;
import io.pushwire.server.broker.HistorySettings;
import io.pushwire.server.broker.MemoryBroker;
import io.pushwire.server.broker.redis.RedisBroker;
import io.pushwire.server.broker.redis.RedisBrokerSettings;
import io.pushwire.server.core.ServerConfig;
import io.pushwire.server.core.Setting;
import io.pushwire.server.store.MemorySessionStore;
import io.pushwire.server.store.SessionStore;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;

/**
 * {@code pushwire.broker}: where channels live. {@code memory}, the embedded default, keeps them in this
 * process; {@code redis} keeps them in Redis, shared by every node that uses the same Redis and key prefix.
 *
 * @param kind        {@code memory} or {@code redis}
 * @param redis       how to reach Redis (used when {@code kind} is {@code redis})
 * @param nodeId      this node's name among those sharing the broker
 * @param feedLeaseMs how long a feed's lease lasts unless renewed
 */
record BrokerSettings(String kind, RedisBrokerSettings redis, String nodeId, long feedLeaseMs) {
    static final Setting<String> BROKER = Setting.of("pushwire.broker", "memory",
            "where channels live: memory (this process) or redis (shared by the nodes of a cluster)");
    static final Setting<String> REDIS_URI = Setting.of("pushwire.redis.uri", "redis://127.0.0.1:6379",
            "Redis to use with pushwire.broker=redis, in Lettuce's URI syntax (password, /database, rediss:// for TLS)");
    static final Setting<String> REDIS_KEY_PREFIX = Setting.of("pushwire.redis.key-prefix", "pushwire:",
            "put before every Redis key and pub/sub channel, so that deployments can share one Redis");
    static final Setting<Long> REDIS_CHANNEL_TTL_MS = Setting.positive("pushwire.redis.channel-ttl-ms", 86_400_000,
            "how long Redis keeps a channel's epoch and seq after its last use; then it starts a new epoch");
    static final Setting<Long> REDIS_CHECK_INTERVAL_MS = Setting.positive("pushwire.redis.check-interval-ms", 1_000,
            "how often a node compares its channels' heads in Redis with what it delivered (lost pub/sub messages)");
    static final Setting<Long> REDIS_TIMEOUT_MS = Setting.positive("pushwire.redis.timeout-ms", 2_000,
            "the longest a Redis command may take before it fails (a publish then answers 503)");

    static final Setting<String> NODE_ID = Setting.computed("pushwire.node.id", null, "<host>-<pid>",
            "this node's name in a cluster: which node leads each feed, in readiness and /api/stats");
    static final Setting<Long> FEED_LEASE_MS = Setting.positive("pushwire.feeds.lease-ms", 5_000,
            "a feed runs on the node holding its lease; another node takes over within this (plus a third) after the leader dies");

    static final List<Setting<?>> SETTINGS = List.of(BROKER, REDIS_URI, REDIS_KEY_PREFIX, REDIS_CHANNEL_TTL_MS,
            REDIS_CHECK_INTERVAL_MS, REDIS_TIMEOUT_MS, NODE_ID, FEED_LEASE_MS);

    BrokerSettings {
        kind = kind.trim().toLowerCase(Locale.ROOT);
        if (!kind.equals("memory") && !kind.equals("redis")) {
            throw new IllegalArgumentException(BROKER.key() + " must be memory or redis, got '" + kind + "'");
        }
        if (nodeId == null || nodeId.isBlank()) {
            nodeId = defaultNodeId();
        }
    }

    /** The host's name and this process's id: unique among the nodes of a cluster, and readable. */
    static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "node";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /** The broker these settings choose, with the server's history limits. */
    Broker create(ServerConfig server, FrameCodec codec, InstantSource clock) {
        HistorySettings inboxes = server.inboxHistory();
        return kind.equals("redis")
                ? new RedisBroker(redis, codec, clock, server.history(), inboxes)
                : new MemoryBroker(codec, clock, server.history(), inboxes);
    }

    /** Where sessions are kept: beside the channels, in Redis for {@code redis}; in this process for {@code memory}. */
    SessionStore sessionStore(Broker broker, ServerConfig server, InstantSource clock) {
        return broker instanceof RedisBroker redisBroker ? redisBroker.sessionStore(clock, server.sessionTtlMs(), nodeId)
                : new MemorySessionStore(clock, server.sessionTtlMs());
    }
}
