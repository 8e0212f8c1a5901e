package io.pushwire.server.broker.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
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
    <T> T run(StatefulRedisConnection<String, String> connection, ScriptOutputType type, String[] keys,
              String... args) {
        String current = sha != null ? sha : load(connection);
        try {
            return (T) connection.sync().evalsha(current, type, keys, args);
        } catch (RedisNoScriptException forgotten) {
            return (T) connection.sync().evalsha(load(connection), type, keys, args);
        }
    }

    /** Starts the script without waiting (for pipelined checks); loads it first if it never was. */
    <T> RedisFuture<T> start(StatefulRedisConnection<String, String> connection, ScriptOutputType type,
                             String[] keys, String... args) {
        String current = sha != null ? sha : load(connection);
        return connection.async().evalsha(current, type, keys, args);
    }

    /** Loads the script (again) and remembers its SHA. */
    String load(StatefulRedisConnection<String, String> connection) {
        String loaded = connection.sync().scriptLoad(source);
        sha = loaded;
        return loaded;
    }

    @Override
    public String toString() {
        return name + ".lua";
    }
}
