package io.pushwire.server.broker.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.pushwire.server.broker.Lease;
import io.pushwire.server.broker.LeaseStore;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Feed leases in Redis: a key per feed holding {@code node|token} with a TTL, taken with {@code SET}
 * semantics only when absent, and a counter per feed for fencing tokens. Both keys share a hash tag, so the
 * scripts run on a Redis Cluster too. Times are Redis's (the TTL), not the nodes' clocks.
 */
final class RedisLeaseStore implements LeaseStore {
    private final Supplier<RedisClusterCommands<String, String>> commands;
    private final RedisKeys keys;
    private final RedisCalls calls;
    private final RedisScript acquireScript = RedisScript.named("acquire");
    private final RedisScript renewScript = RedisScript.named("renew");

    /** How the broker runs a command: Redis unreachable becomes its {@code BrokerUnavailableException}. */
    interface RedisCalls {
        <T> T call(String what, Supplier<T> command);
    }

    RedisLeaseStore(Supplier<RedisClusterCommands<String, String>> commands, RedisKeys keys, RedisCalls calls) {
        this.commands = commands;
        this.keys = keys;
        this.calls = calls;
    }

    @Override
    public Optional<Lease> tryAcquire(String name, String holder, long ttlMs) {
        Long token = calls.call("acquiring the lease of " + name, () -> acquireScript.run(commands.get(),
                ScriptOutputType.INTEGER, new String[] {keys.lease(name), keys.leaseTokens(name)}, holder,
                Long.toString(ttlMs)));
        return token == null ? Optional.empty() : Optional.of(new Lease(name, holder, token));
    }

    @Override
    public boolean renew(Lease lease, long ttlMs) {
        return held(lease, Long.toString(ttlMs), "renewing");
    }

    @Override
    public void release(Lease lease) {
        held(lease, "0", "releasing");
    }

    private boolean held(Lease lease, String ttl, String what) {
        Long held = calls.call(what + " the lease of " + lease.name(), () -> renewScript.run(commands.get(),
                ScriptOutputType.INTEGER, new String[] {keys.lease(lease.name())}, lease.holder() + "|" + lease.token(),
                ttl));
        return held != null && held == 1L;
    }

    @Override
    public Optional<String> holder(String name) {
        String value = calls.call("reading the lease of " + name, () -> commands.get().get(keys.lease(name)));
        return value == null ? Optional.empty() : Optional.of(value.substring(0, value.lastIndexOf('|')));
    }
}
