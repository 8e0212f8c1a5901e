package io.pushwire.server.broker.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One of the broker's Lua scripts: loaded into Redis once and run by its SHA ({@code EVALSHA}). A Redis that
 * restarted has forgotten it; the script is then loaded again and the call repeated once, which is safe
 * because a {@code NOSCRIPT} reply means nothing ran.
 */
final class RedisScript {
    private final String name;
    private final String source;
    private volatile String sha;

    private RedisScript(String name, String source) {
        this.name = name;
        this.source = source;
    }

    /** The script {@code name}.lua from this package's resources. */
    static RedisScript named(String name) {
        String file = name + ".lua";
        try (InputStream in = RedisScript.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + file);
            }
            return new RedisScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script " + file, e);
        }
    }

    /** Runs the script and waits for its reply. */
    @SuppressWarnings("unchecked")
    <T> T run(RedisClusterCommands<String, String> commands, ScriptOutputType type, String[] keys, String... args) {
        String current = sha != null ? sha : load(commands);
        try {
            return (T) commands.evalsha(current, type, keys, args);
        } catch (RedisNoScriptException forgotten) {
            return (T) commands.evalsha(load(commands), type, keys, args);
        }
    }

    /**
     * Starts the script without waiting (for pipelined checks). It must have been loaded ({@link #load}); a Redis
     * that forgot it fails the future with {@code RedisNoScriptException}, for the caller to load it again.
     */
    <T> RedisFuture<T> start(RedisClusterAsyncCommands<String, String> commands, ScriptOutputType type,
                             String[] keys, String... args) {
        return commands.evalsha(sha, type, keys, args);
    }

    /** Whether the script was loaded, as far as this process knows: {@link #start} needs it. */
    boolean loaded() {
        return sha != null;
    }

    /** Loads the script (again; on every node of a cluster) and remembers its SHA. */
    String load(RedisClusterCommands<String, String> commands) {
        String loaded = commands.scriptLoad(source);
        sha = loaded;
        return loaded;
    }

    @Override
    public String toString() {
        return name + ".lua";
    }
}
