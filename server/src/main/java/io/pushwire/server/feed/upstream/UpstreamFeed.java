package io.pushwire.server.feed.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.protocol.Backoff;
import io.pushwire.server.core.FeedSink;
import io.pushwire.server.feed.Feed;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * An exchange market-data feed: keeps one WebSocket to the exchange subscribed, and publishes what it
 * reads, normalised, on {@code <exchange>.trades.<SYMBOL>} and {@code <exchange>.ticker.<SYMBOL>}.
 *
 * <p>The reconnect discipline is the SDK's: exponential backoff with full jitter (never less than an
 * exchange's {@code Retry-After}), one state owned by one thread ({@link EventLoop}), and every socket
 * callback checked against the link it was made for, so a late callback of a dead connection changes
 * nothing. There is one connection at a time, except during a make-before-break handover (before the
 * exchange's 24 h limit, or when it announces a shutdown): then a standby connects and subscribes, holds
 * what it reads, and takes over after an overlap; ids drop what both delivered.
 *
 * <p>Clients see the feed's health: {@code status stale:true} on every channel while the feed is down,
 * {@code stale:false} once the exchange confirms the subscription again, and a {@code gap} where the
 * exchange's ids show that events were lost.
 *
 * <p>This class is the state machine: which link is the primary and which the standby, connecting, losing,
 * handing over. Its parts, all on the loop thread: {@link FeedChannels} (what clients see), {@link PacedSender}
 * (the exchange's message rate), {@link HeartbeatChecks} (dead or stuck links, pings), {@link HeldUpdates} (a
 * standby's data until it takes over), {@link UpstreamLink} (one connection), {@link FeedStats} and {@link
 * FailureLog}; {@link LoopListener} moves socket callbacks onto the loop.
 */
public final class UpstreamFeed implements Feed {
    private static final Logger LOG = System.getLogger(UpstreamFeed.class.getName());
    private static final Runnable NOTHING = () -> { };

    private final ExchangeAdapter exchange;
    private final UpstreamFeedConfig config;
    private final EventLoop loop;
    private final UpstreamSocket.Opener sockets;
    private final Backoff backoff;
    private final URI url;
    private final List<MarketStream> streams;
    private final long rotateAfterMs;
    private final FeedStats stats = new FeedStats();
    private final FailureLog failureLog;
    private final FeedChannels channels;
    private final PacedSender sender;
    private final HeartbeatChecks heartbeats;

    // Loop thread only.
    private UpstreamLink primary;
    private UpstreamLink standby;
    /** The last id of a subscription request or a ping. */
    private long requestIds;
    private int failedAttempts;
    private boolean closed;
    private String handoverReason;
    private Runnable reconnectTimer = NOTHING;
    private Runnable rotationTimer = NOTHING;
    private Runnable takeoverTimer = NOTHING;

    UpstreamFeed(ExchangeAdapter exchange, UpstreamFeedConfig config, FeedSink hub, EventLoop loop,
                 UpstreamSocket.Opener sockets, Random random) {
        this.exchange = exchange;
        this.config = config;
        this.loop = loop;
        this.sockets = sockets;
        this.backoff = new Backoff(config.backoffInitialMs(), config.backoffMaxMs(), 2.0, random);
        this.url = config.url() != null ? config.url() : exchange.defaultUrl();
        this.streams = config.streams();
        ExchangeAdapter.Rules rules = exchange.rules();
        if (streams.size() > rules.maxStreamsPerConnection()) {
            throw new IllegalArgumentException("pushwire.feeds." + config.name() + ": " + streams.size()
                    + " streams (symbols x channels) exceed " + exchange.name() + "'s limit of "
                    + rules.maxStreamsPerConnection() + " per connection");
        }
        this.rotateAfterMs = config.rotateAfterMs() >= 0 ? config.rotateAfterMs() : rules.rotateAfterMs();
        this.failureLog = new FailureLog(exchange.name());
        this.channels = new FeedChannels(exchange, streams, hub, stats);
        this.sender = new PacedSender(loop, rules.maxMessagesPerSecond(), this::isCurrent);
        this.heartbeats = new HeartbeatChecks(exchange, config, loop, sender, this::nextRequestId, stats,
                new HeartbeatChecks.Links() {
                    @Override
                    public List<UpstreamLink> current() {
                        return links();
                    }

                    @Override
                    public void lost(UpstreamLink link, Failure failure) {
                        UpstreamFeed.this.lost(link, failure);
                    }
                });
    }

    @Override
    public String name() {
        return exchange.name();
    }

    @Override
    public boolean required() {
        return config.required();
    }

    /** The Pushwire channels this feed serves. */
    @Override
    public List<String> channels() {
        return channels.names();
    }

    /**
     * Continues after the trades the last leader published: their ids become where this feed's sequence
     * check starts, so a trade the exchange delivers again is dropped and one it lost meanwhile is a gap.
     */
    @Override
    public void continueAfter(Map<String, JsonNode> latestData) {
        loop.execute(() -> channels.continueAfter(latestData));
    }

    @Override
    public void start() {
        channels.declare();
        loop.execute(() -> {
            connect(UpstreamLink.Role.PRIMARY);
            heartbeats.start();
        });
        LOG.log(Level.INFO, "feed " + name() + " starting: " + url + ", " + streams.size() + " streams");
    }

    /** Live: the exchange confirmed the subscriptions of the current connection and it is not idle. */
    @Override
    public boolean isRunning() {
        return stats.state == FeedState.LIVE;
    }

    public FeedState state() {
        return stats.state;
    }

    @Override
    public Map<String, Object> describe() {
        return stats.describe(url.toString(), loop.nowMs());
    }

    @Override
    public Figures figures() {
        return stats.figures(loop.nowMs());
    }

    @Override
    public void close() {
        loop.execute(() -> {
            closed = true;
            List.of(reconnectTimer, rotationTimer, takeoverTimer).forEach(Runnable::run);
            heartbeats.stop();
            links().forEach(link -> link.close("server shutting down"));
            primary = null;
            standby = null;
            stats.state = FeedState.CLOSED;
            sockets.close();
        });
        loop.shutdown();
    }

    private void connect(UpstreamLink.Role role) {
        UpstreamLink link = new UpstreamLink(loop.nowMs());
        if (role == UpstreamLink.Role.PRIMARY) {
            primary = link;
            stats.state = FeedState.CONNECTING;
        } else {
            standby = link;
        }
        stats.attempts++;
        CompletableFuture<UpstreamSocket> opening;
        try {
            opening = sockets.open(url, Duration.ofMillis(config.connectTimeoutMs()), new LoopListener(loop,
                    text -> received(link, text), () -> touched(link), failure -> lost(link, failure)));
        } catch (RuntimeException e) {
            opening = CompletableFuture.failedFuture(e);
        }
        opening.whenComplete((socket, error) -> {
            if (!loop.execute(() -> opened(link, socket, error)) && socket != null) {
                socket.abort(); // the feed closed meanwhile
            }
        });
    }

    private boolean isCurrent(UpstreamLink link) {
        return !closed && (link == primary || link == standby);
    }

    /** The primary, then the standby, where there are. */
    private List<UpstreamLink> links() {
        return Stream.of(primary, standby).filter(Objects::nonNull).toList();
    }

    private long nextRequestId() {
        return ++requestIds;
    }

    private void opened(UpstreamLink link, UpstreamSocket socket, Throwable error) {
        if (!isCurrent(link)) {
            if (socket != null) {
                socket.abort();
            }
            return;
        }
        if (error != null) {
            lost(link, Failures.classify(error, loop.nowMs()));
            return;
        }
        link.attach(socket, loop.nowMs());
        stats.connects++;
        if (link == primary) {
            stats.state = FeedState.SUBSCRIBING;
        }
        for (ExchangeAdapter.Request request : exchange.subscribe(streams, this::nextRequestId)) {
            link.expect(request);
            sender.send(link, request.text());
        }
    }

    private void touched(UpstreamLink link) {
        if (isCurrent(link)) {
            link.lastInboundMs = loop.nowMs();
        }
    }

    private void received(UpstreamLink link, String text) {
        if (!isCurrent(link)) {
            return;
        }
        long now = loop.nowMs();
        link.lastInboundMs = now;
        stats.lastMessageMs = now;
        switch (exchange.read(text)) {
            case Inbound.Updates data -> {
                link.lastDataMs = now;
                if (link == primary) {
                    channels.publish(data.updates());
                } else if (link.held.hold(data.updates())) {
                    takeOver(link);
                }
            }
            case Inbound.Acked ack -> {
                for (String key : link.settle(ack.requestId(), ack.keys())) {
                    link.confirmed(key);
                    if (link == primary) {
                        channels.confirmed(key);
                    }
                }
                checkSubscribed(link);
            }
            case Inbound.Rejected refusal -> rejected(link, refusal);
            case Inbound.ClosingSoon notice -> {
                LOG.log(Level.INFO, "feed " + name() + ": exchange announced a close (" + notice.reason()
                        + "); opening a new connection before the old one ends");
                if (link == primary) {
                    handover(notice.reason());
                }
            }
            case Inbound.Malformed malformed -> {
                stats.malformed++;
                failureLog.noticed(new Failure(FailureClass.PROTOCOL, "malformed message skipped: " + malformed.why()));
            }
            case Inbound.Alive alive -> { }
            case Inbound.Ignored ignored -> { }
        }
    }

    private void rejected(UpstreamLink link, Inbound.Rejected refusal) {
        stats.rejected++;
        failureLog.noticed(refusal.failure());
        for (String key : link.settle(refusal.requestId(), refusal.keys())) {
            if (link.refused(key) && link == primary) {
                channels.refused(key, refusal.failure().detail());
            }
        }
        checkSubscribed(link);
    }

    /** Every subscription answered: the primary is live; a standby takes over after the overlap. */
    private void checkSubscribed(UpstreamLink link) {
        if (!link.subscribed()) {
            return;
        }
        if (link == primary && stats.state != FeedState.LIVE) {
            stats.state = FeedState.LIVE;
            failedAttempts = 0;
            failureLog.live(loop.nowMs());
            scheduleRotation(link);
        } else if (link == standby) {
            takeoverTimer.run();
            takeoverTimer = loop.schedule(() -> takeOver(link), config.handoverOverlapMs());
        }
    }

    private void scheduleRotation(UpstreamLink link) {
        rotationTimer.run();
        if (rotateAfterMs <= 0) {
            rotationTimer = NOTHING;
            return;
        }
        long dueInMs = Math.max(0, link.openedAtMs + rotateAfterMs - loop.nowMs());
        rotationTimer = loop.schedule(() -> {
            if (link == primary) {
                handover("connection is " + (loop.nowMs() - link.openedAtMs) + " ms old");
            }
        }, dueInMs);
    }

    private void handover(String reason) {
        if (closed || standby != null || primary == null || !primary.isOpen()) {
            return;
        }
        handoverReason = reason;
        connect(UpstreamLink.Role.STANDBY);
    }

    /** The standby becomes the primary: what it held is published (ids drop the overlap), the old one closes. */
    private void takeOver(UpstreamLink link) {
        if (link != standby) {
            return;
        }
        takeoverTimer.run();
        rotationTimer.run();
        UpstreamLink old = primary;
        standby = null;
        primary = link;
        channels.publish(link.held.release(name()));
        channels.confirmedBy(link);
        stats.handovers++;
        if (old != null) {
            old.close("replaced by a new connection");
        }
        LOG.log(Level.INFO, "feed " + name() + ": handed over to a new connection (" + handoverReason + ")");
        if (link.subscribed()) {
            stats.state = FeedState.LIVE;
            scheduleRotation(link);
        } else {
            stats.state = link.isOpen() ? FeedState.SUBSCRIBING : FeedState.CONNECTING;
        }
    }

    private void lost(UpstreamLink link, Failure failure) {
        if (!isCurrent(link)) {
            return;
        }
        link.abort();
        stats.failures++;
        stats.lastFailure = failure.toString();
        if (link == standby) {
            standby = null;
            takeoverTimer.run();
            failureLog.noticed(failure);
            long retryMs = failure.delayMs(backoff, 1);
            rotationTimer.run();
            rotationTimer = loop.schedule(() -> handover(handoverReason), retryMs);
            return;
        }
        primary = null;
        rotationTimer.run();
        if (standby != null) {
            // The old connection ended during a handover: the standby takes over now, held data and all.
            takeOver(standby);
            channels.downUnlessConfirmedBy(primary, failure);
            return;
        }
        channels.down(failure);
        failedAttempts++;
        long delayMs = failure.delayMs(backoff, failedAttempts);
        failureLog.failed(failure, loop.nowMs(), delayMs);
        stats.state = FeedState.BACKING_OFF;
        reconnectTimer = loop.schedule(() -> {
            if (!closed && primary == null) {
                connect(UpstreamLink.Role.PRIMARY);
            }
        }, delayMs);
    }
}
