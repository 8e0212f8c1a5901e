package io.pushwire.server.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What happens around fuzzed clients: time passes (in sweep-sized steps, so that hello deadlines, pings,
 * heartbeat timeouts, token expiry, close timeouts and session expiry happen as on a live server), and
 * the server publishes (bursts that overflow slow queues, private pushes, upstream status and gaps).
 */
final class FuzzActions {
    /** Channels the hub publishes on: public, feed-owned, conflatable and low-priority ones. */
    private static final List<String> PUBLISHED = List.of("news.a", "news.b", "news.low.c", "chat.room",
            "sim.trades.BTC-USDT", "sim.ticker.BTC-USDT", "other.x", "Z");
    private static final List<String> FEED_CHANNELS = List.of("sim.trades.BTC-USDT", "sim.ticker.BTC-USDT");
    private static final long SWEEP_MS = 500;

    private final SplittableRandom random;
    private final PushServer server;
    private final ManualTime time;
    private final ManualExecutor writer;

    FuzzActions(SplittableRandom random, PushServer server, ManualTime time, ManualExecutor writer) {
        this.random = random;
        this.server = server;
        this.time = time;
        this.writer = writer;
    }

    /** Moves the clock by a little, a heartbeat's worth, or past the session TTL now and then. */
    void advanceTime() {
        int roll = random.nextInt(10);
        long ms = roll < 7 ? random.nextLong(3_000) : roll < 9 ? random.nextLong(8_000)
                : random.nextLong(server.config().sessionTtlMs() * 3 / 2);
        while (ms > 0) {
            long step = Math.min(ms, SWEEP_MS);
            time.advance(step);
            server.sweepHeartbeats();
            server.expireSessions();
            writer.runAll();
            ms -= step;
        }
    }

    /** One burst of publishing; {@code clientIds} are sessions that may still exist, for private pushes. */
    void publish(List<String> clientIds) {
        int roll = random.nextInt(10);
        if (roll < 6) {
            // Interleaved on a few channels, so that a full queue has conflatable, low and normal events to shed.
            List<String> channels = List.of(pick(), pick(), pick()).subList(0, 1 + random.nextInt(3));
            for (int n = random.nextInt(3) == 0 ? 1 + random.nextInt(150) : 1 + random.nextInt(4); n > 0; n--) {
                server.hub().publish(channels.get(n % channels.size()), data());
            }
        } else if (roll < 8 && !clientIds.isEmpty()) {
            String clientId = clientIds.get(random.nextInt(clientIds.size()));
            for (int n = 1 + random.nextInt(30); n > 0; n--) {
                server.pushToSession(clientId, data());
            }
        } else if (roll < 9) {
            server.hub().markStale(FEED_CHANNELS.get(random.nextInt(2)), random.nextBoolean(), "feed down");
        } else {
            server.hub().announceUpstreamGap(FEED_CHANNELS.get(random.nextInt(2)));
        }
    }

    private String pick() {
        return PUBLISHED.get(random.nextInt(PUBLISHED.size()));
    }

    /** An event of about 150 characters, so that a burst fills a small queue. */
    private JsonNode data() {
        return JsonNodeFactory.instance.objectNode().put("price", random.nextInt(100_000)).put("note", "x".repeat(80));
    }
}
