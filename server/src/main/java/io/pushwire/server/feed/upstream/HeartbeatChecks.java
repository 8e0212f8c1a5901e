package io.pushwire.server.feed.upstream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Checks a feed's open links on a regular tick, by the exchange's {@link ExchangeAdapter.Heartbeat} (each timing
 * overridable per feed). A link that heard nothing for the idle timeout is dead, and one subscribed that delivered
 * no market data for the data timeout is stuck: both go back to the feed as lost, which replaces them. A link that
 * heard nothing for a while, or sent nothing for the exchange's keepalive, is pinged: with the exchange's text ping,
 * or a protocol ping frame where it has none.
 *
 * <p>The feed's loop thread only, from {@link #start} to {@link #stop}. It owns the tick timer and the timings;
 * what it measures (when a link last heard, sent, pinged) lives on the link.
 */
final class HeartbeatChecks {
    /** The feed, as the checks see it. */
    interface Links {
        /** The links to check: the primary and, during a handover, the standby. */
        List<UpstreamLink> current();

        /** {@code link} is dead or stuck: the feed drops and replaces it. */
        void lost(UpstreamLink link, Failure failure);
    }

    private final ExchangeAdapter exchange;
    /** The exchange's timings, each overridden where the feed's configuration sets it. */
    private final ExchangeAdapter.Heartbeat heartbeat;
    /** No market data this long on a subscribed link: it is stuck (0: never). */
    private final long dataTimeoutMs;
    /** A quarter of the shortest timing, within 20 ms and 1 s: a deadline is missed by a quarter at most. */
    private final long tickMs;
    private final EventLoop loop;
    private final PacedSender sender;
    /** The feed's request ids, which pings share with subscription requests. */
    private final LongSupplier requestIds;
    private final FeedStats stats;
    private final Links links;
    /** Loop thread only, as is {@link #stopped}. */
    private Runnable tickTimer = () -> { };
    private boolean stopped;

    HeartbeatChecks(ExchangeAdapter exchange, UpstreamFeedConfig config, EventLoop loop, PacedSender sender,
                    LongSupplier requestIds, FeedStats stats, Links links) {
        this.exchange = exchange;
        ExchangeAdapter.Heartbeat defaults = exchange.rules().heartbeat();
        this.heartbeat = new ExchangeAdapter.Heartbeat(
                config.pingAfterMs() >= 0 ? config.pingAfterMs() : defaults.pingAfterMs(),
                config.keepaliveMs() >= 0 ? config.keepaliveMs() : defaults.keepaliveMs(),
                config.idleTimeoutMs() > 0 ? config.idleTimeoutMs() : defaults.idleTimeoutMs());
        this.dataTimeoutMs = config.dataTimeoutMs();
        this.tickMs = tickMs(heartbeat, dataTimeoutMs);
        this.loop = loop;
        this.sender = sender;
        this.requestIds = requestIds;
        this.stats = stats;
        this.links = links;
    }

    private static long tickMs(ExchangeAdapter.Heartbeat heartbeat, long dataTimeoutMs) {
        long shortest = heartbeat.idleTimeoutMs();
        for (long value : new long[] {heartbeat.pingAfterMs(), heartbeat.keepaliveMs(), dataTimeoutMs}) {
            if (value > 0) {
                shortest = Math.min(shortest, value);
            }
        }
        return Math.max(20, Math.min(1_000, shortest / 4));
    }

    void start() {
        tickTimer = loop.schedule(this::tick, tickMs);
    }

    /** No more checks, not even one already due: the feed closed. */
    void stop() {
        stopped = true;
        tickTimer.run();
    }

    private void tick() {
        if (stopped) {
            return;
        }
        for (UpstreamLink link : links.current()) {
            if (link.isOpen()) {
                check(link);
            }
        }
        tickTimer = loop.schedule(this::tick, tickMs);
    }

    private void check(UpstreamLink link) {
        long now = loop.nowMs();
        long silentMs = now - link.lastInboundMs;
        if (silentMs >= heartbeat.idleTimeoutMs()) {
            links.lost(link, new Failure(FailureClass.TRANSIENT_NETWORK, "nothing received for " + silentMs
                    + " ms: connection presumed dead"));
            return;
        }
        long dataSilentMs = now - link.lastDataMs;
        if (dataTimeoutMs > 0 && link.subscribed() && dataSilentMs >= dataTimeoutMs) {
            links.lost(link, new Failure(FailureClass.TRANSIENT_NETWORK, "no market data for " + dataSilentMs
                    + " ms although subscribed: resubscribing on a new connection"));
            return;
        }
        boolean quiet = heartbeat.pingAfterMs() > 0 && silentMs >= heartbeat.pingAfterMs()
                && now - link.lastPingMs >= heartbeat.pingAfterMs();
        boolean mute = heartbeat.keepaliveMs() > 0 && now - link.lastOutboundMs >= heartbeat.keepaliveMs();
        if (quiet || mute) {
            ping(link);
        }
    }

    /** A text ping is paced like any other message; a protocol ping frame goes out at once. */
    private void ping(UpstreamLink link) {
        long id = requestIds.getAsLong();
        String text = exchange.ping(id);
        if (text != null) {
            sender.send(link, text);
        } else {
            link.socket.ping(ByteBuffer.wrap(Long.toString(id).getBytes(StandardCharsets.US_ASCII)));
            link.lastOutboundMs = loop.nowMs();
        }
        link.lastPingMs = loop.nowMs();
        stats.pingsSent++;
    }
}
