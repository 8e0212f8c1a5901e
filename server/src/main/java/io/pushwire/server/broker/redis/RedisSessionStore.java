package io.pushwire.server.broker.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.pushwire.server.store.SessionRecord;
import io.pushwire.server.store.SessionStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sessions' records in Redis, shared by every node, so that a client resumes on whichever node it reaches.
 * One hash per session, in a slot of its own ({@code {session:<clientId>}}): {@code r} the record as JSON
 * ({@link SessionJson}), {@code a} its attachment number, {@code h} the node holding it, {@code d} when it
 * detached. Writes and claims
 * are scripts, so that a write of an attachment that a later resume took over is refused atomically.
 *
 * <p>Expiry is Redis's TTL: a detached record is kept for what is left of {@code ttlMs} after it detached. An
 * attached one is kept {@code ttlMs} at a time, and the node holding it renews that ({@link #keepAttached})
 * well within it, so a record whose node died expires as if detached at about the death. A read also checks
 * the expiry by the store's clock, so that a record is never resumed after its TTL.
 *
 * <p>A node asks another to let go of a session over the other's own pub/sub channel
 * ({@code {node:<id>}}): {@code release|<clientId>|<attachment>|<reply channel>|<request id>}, answered
 * with {@code released|<request id>} once its connection is closed.
 */
public final class RedisSessionStore implements SessionStore {
    private static final Logger LOG = Logger.getLogger(RedisSessionStore.class.getName());
    private static final int SCAN_BATCH = 500;
    /** A session hash's fields, as {@link #fromFields} reads them. */
    private static final String[] FIELDS = {"r", "a", "h", "d"};
    private final Supplier<RedisLink> link;
    private final RedisKeys keys;
    private final RedisLeaseStore.RedisCalls calls;
    private final InstantSource clock;
    private final long ttlMs;
    private final String node;
    private final RedisScript saveScript = RedisScript.named("session_save");
    private final RedisScript claimScript = RedisScript.named("session_claim");
    /** Release requests of this node waiting for their answer, by request id. */
    private final Map<String, CompletableFuture<Void>> awaitingRelease = new ConcurrentHashMap<>();
    private volatile Releaser releaser = (clientId, attachment) -> { };

    RedisSessionStore(Supplier<RedisLink> link, RedisKeys keys, RedisLeaseStore.RedisCalls calls, InstantSource clock,
                      long ttlMs, String node) {
        this.link = link;
        this.keys = keys;
        this.calls = calls;
        this.clock = clock;
        this.ttlMs = ttlMs;
        this.node = node;
    }

    /** The scripts this store runs, for the broker to load with its own. */
    List<RedisScript> scripts() {
        return List.of(saveScript, claimScript);
    }

    @Override
    public boolean save(SessionRecord record) {
        return write(record, false);
    }

    @Override
    public boolean handOver(SessionRecord record) {
        return write(record, true);
    }

    private boolean write(SessionRecord record, boolean handOver) {
        long keepMs = record.detached() ? ttlMs - (clock.millis() - record.detachedAtMs()) : ttlMs;
        Long written = calls.call("saving the session " + record.clientId(), () -> saveScript.run(sync(),
                ScriptOutputType.INTEGER, new String[] {keys.session(record.clientId())}, Long.toString(record.attachment()),
                SessionJson.encode(record), Long.toString(Math.max(0, keepMs)), record.detached() ? "" : node,
                Long.toString(record.detachedAtMs()), handOver ? "1" : "0"));
        return written != null && written == 1L;
    }

    @Override
    public Optional<SessionRecord> claim(String clientId) {
        List<Object> before = calls.call("claiming the session " + clientId, () -> claimScript.run(sync(),
                ScriptOutputType.MULTI, new String[] {keys.session(clientId)}, node, Long.toString(ttlMs)));
        if (before == null || before.size() < 4 || before.get(2) == null) {
            return Optional.empty();
        }
        SessionRecord record = SessionJson.decode(clientId, (String) before.get(2), Long.parseLong((String) before.get(3)));
        if (record == null || expired(record)) {
            return Optional.empty();
        }
        String holder = (String) before.get(1);
        return Optional.of(held(record, (Long) before.get(0), holder.isEmpty() ? null : holder));
    }

    /** Pipelined: one round trip for all of them. */
    @Override
    public void keepAttached(Collection<String> clientIds) {
        if (clientIds.isEmpty()) {
            return;
        }
        calls.call("renewing " + clientIds.size() + " attached sessions", () -> {
            RedisClusterAsyncCommands<String, String> redis = link.get().async();
            List<RedisFuture<Boolean>> renewed = new ArrayList<>(clientIds.size());
            for (String clientId : clientIds) {
                renewed.add(redis.pexpire(keys.session(clientId), ttlMs));
            }
            if (!LettuceFutures.awaitAll(Duration.ofMillis(waitMs()), renewed.toArray(RedisFuture[]::new))) {
                throw new RedisCommandTimeoutException("renewing attached sessions timed out");
            }
            return null;
        });
    }

    @Override
    public Optional<SessionRecord> load(String clientId) {
        List<KeyValue<String, String>> fields = calls.call("loading the session " + clientId,
                () -> sync().hmget(keys.session(clientId), FIELDS));
        return Optional.ofNullable(fromFields(clientId, fields)).filter(record -> !expired(record));
    }

    @Override
    public boolean delete(String clientId) {
        Optional<SessionRecord> live = load(clientId);
        Long deleted = calls.call("deleting the session " + clientId, () -> sync().del(keys.session(clientId)));
        return live.isPresent() && deleted != null && deleted > 0;
    }

    @Override
    public List<SessionRecord> all() {
        return calls.call("listing sessions", () -> {
            RedisClusterCommands<String, String> redis = sync();
            RedisClusterAsyncCommands<String, String> async = link.get().async();
            List<SessionRecord> records = new ArrayList<>();
            ScanArgs match = ScanArgs.Builder.matches(keys.sessionPattern()).limit(SCAN_BATCH);
            KeyScanCursor<String> cursor = redis.scan(match);
            while (true) {
                List<String> found = cursor.getKeys();
                List<RedisFuture<List<KeyValue<String, String>>>> replies = new ArrayList<>(found.size());
                for (String key : found) {
                    replies.add(async.hmget(key, FIELDS));
                }
                for (int i = 0; i < found.size(); i++) {
                    SessionRecord record = fromFields(keys.clientIdOf(found.get(i)), await(replies.get(i)));
                    if (record != null && !expired(record)) {
                        records.add(record);
                    }
                }
                if (cursor.isFinished()) {
                    return records;
                }
                cursor = redis.scan(cursor, match);
            }
        });
    }

    @Override
    public String node() {
        return node;
    }

    @Override
    public void onRelease(Releaser releaser) {
        this.releaser = releaser;
    }

    /**
     * Publishes the request on the holder's channel and waits for its answer, at most {@code waitMs}: a
     * holder that died, or lost its link to Redis, answers nothing, and then the claim stands on its own
     * (the holder's writes are refused, and it lets go when it hears of it or its connection dies).
     */
    @Override
    public void release(String holder, String clientId, long attachment, long waitMs) {
        String request = UUID.randomUUID().toString();
        CompletableFuture<Void> released = new CompletableFuture<>();
        awaitingRelease.put(request, released);
        try {
            Long heard = calls.call("asking " + holder + " to release " + clientId, () -> link.get().publishTo(
                    keys.node(holder), "release|" + clientId + "|" + attachment + "|" + keys.node(node) + "|" + request));
            if (heard != null && heard > 0) {
                released.get(waitMs, TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException | ExecutionException e) {
            LOG.log(Level.FINE, holder + " did not release " + clientId + " within " + waitMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            awaitingRelease.remove(request);
        }
    }

    /**
     * A message on this node's own channel, on Lettuce's event loop: a release is done on a virtual thread
     * (it closes a connection and may write to Redis), an answer completes the waiting request.
     */
    void onNodeMessage(String message) {
        String[] parts = message.split("\\|");
        if (parts.length == 5 && parts[0].equals("release")) {
            Thread.ofVirtual().name("pushwire-session-release").start(() -> {
                try {
                    releaser.release(parts[1], Long.parseLong(parts[2]));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "releasing session " + parts[1] + " failed", e);
                }
                try {
                    calls.call("answering a release", () -> link.get().publishTo(parts[3], "released|" + parts[4]));
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "answering a release of " + parts[1] + " failed: " + e.getMessage());
                }
            });
        } else if (parts.length == 2 && parts[0].equals("released")) {
            CompletableFuture<Void> waiting = awaitingRelease.get(parts[1]);
            if (waiting != null) {
                waiting.complete(null);
            }
        } else {
            LOG.log(Level.WARNING, "ignored on this node's channel: " + message);
        }
    }

    /** The connection is the broker's, which closes it. */
    @Override
    public void close() {
    }

    /** How long a pipelined batch (renewals, a page of records) may take: well within the renewal period. */
    private long waitMs() {
        return Math.max(1_000, ttlMs / 4);
    }

    private RedisClusterCommands<String, String> sync() {
        return link.get().sync();
    }

    private <T> T await(RedisFuture<T> reply) {
        try {
            return reply.get(waitMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing sessions", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new RedisCommandTimeoutException("listing sessions: " + e.getMessage());
        }
    }

    /** A record from its hash's fields {@code r}, {@code a}, {@code h}, {@code d}; null for none, or one that cannot be read. */
    private static SessionRecord fromFields(String clientId, List<KeyValue<String, String>> fields) {
        if (fields == null || fields.size() < 4 || !fields.get(0).hasValue()) {
            return null;
        }
        long detachedAtMs;
        try {
            detachedAtMs = fields.get(3).hasValue() ? Long.parseLong(fields.get(3).getValue()) : -1;
        } catch (NumberFormatException unreadable) {
            return null;
        }
        SessionRecord record = SessionJson.decode(clientId, fields.get(0).getValue(), detachedAtMs);
        if (record == null) {
            return null;
        }
        long attachment = fields.get(1).hasValue() ? Long.parseLong(fields.get(1).getValue()) : 0;
        String holder = fields.get(2).hasValue() && !fields.get(2).getValue().isEmpty() ? fields.get(2).getValue() : null;
        return held(record, attachment, holder);
    }

    /** The record with the attachment and holder kept beside it, not in its JSON. */
    private static SessionRecord held(SessionRecord record, long attachment, String holder) {
        return new SessionRecord(record.clientId(), record.resumeTokenHash(), record.subject(), record.tokenExpiresAtMs(),
                record.inbox(), record.subscriptions(), record.createdAtMs(), record.detachedAtMs(), record.inboundBucket(),
                attachment, holder);
    }

    private boolean expired(SessionRecord record) {
        return record.detached() && clock.millis() - record.detachedAtMs() >= ttlMs;
    }
}
