package io.pushwire.server.broker.redis;

import io.pushwire.server.broker.ChannelKey;

/**
 * Where a channel lives in Redis. Its keys and its pub/sub channel share one hash tag, the channel's key in
 * braces, so that on a Redis Cluster they sit in one slot and one script can touch them all. Channel names
 * cannot contain braces ({@code Channels}), so the tag is always the whole key.
 *
 * @param prefix put before every key, so that several deployments (or tests) can share one Redis
 */
public record RedisKeys(String prefix) {
    /** The hash of the channel's epoch, seq, latest event and status. */
    public String meta(ChannelKey channel) {
        return tagged(channel) + ":m";
    }

    /** The stream of the channel's entries, each with its seq as id. */
    public String stream(ChannelKey channel) {
        return tagged(channel) + ":s";
    }

    /** Where a publish's idempotency key is remembered, beside the channel's other keys. */
    public String idempotency(ChannelKey channel, String idempotencyKey) {
        return tagged(channel) + ":i:" + idempotencyKey;
    }

    /** The pub/sub channel its entries and statuses go out on. */
    public String pubsub(ChannelKey channel) {
        return tagged(channel);
    }

    /** A feed's lease: {@code node|token}, with the lease's TTL. */
    public String lease(String feed) {
        return prefix + "{lease:" + feed + "}";
    }

    /** The counter of a feed's fencing tokens, in the lease's slot. */
    public String leaseTokens(String feed) {
        return prefix + "{lease:" + feed + "}:tokens";
    }

    /** A session's record (JSON), in a slot of its own. */
    public String session(String clientId) {
        return prefix + "{session:" + clientId + "}";
    }

    /** A rate-limit bucket shared by the cluster (Bucket4j's state), in a slot of its own. */
    public String bucket(String name) {
        return prefix + "{bucket:" + name + "}";
    }

    /** A node's own pub/sub channel, where other nodes ask it to let go of sessions. */
    public String node(String nodeId) {
        return prefix + "{node:" + nodeId + "}";
    }

    /** A {@code SCAN} pattern that matches every session record's key and nothing else. */
    public String sessionPattern() {
        return prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "{session:*}";
    }

    /** The client id of a session record's key. */
    public String clientIdOf(String sessionKey) {
        return sessionKey.substring(prefix.length() + "{session:".length(), sessionKey.length() - 1);
    }

    /** The channel key a pub/sub channel name stands for; null when the name is not one of ours. */
    public String channelKeyOf(String pubsubChannel) {
        String start = prefix + "{";
        if (!pubsubChannel.startsWith(start) || !pubsubChannel.endsWith("}")) {
            return null;
        }
        return pubsubChannel.substring(start.length(), pubsubChannel.length() - 1);
    }

    private String tagged(ChannelKey channel) {
        return prefix + "{" + channel.key() + "}";
    }
}
