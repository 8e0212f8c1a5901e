package io.pushwire.server.feed.upstream;

import java.util.function.Predicate;

/**
 * Sends on a link no faster than the exchange allows ({@link ExchangeAdapter.Rules#maxMessagesPerSecond}), which
 * cuts off a connection that sends faster: a message goes out at once when none is waiting and the gap since the
 * last one has passed; otherwise it joins the link's outbox, which a timer empties in order, one message a gap. A
 * feed of many streams sends several subscription requests at once, so this is not rare.
 *
 * <p>The feed's loop thread only. It owns the pace; the outbox and when the next message may go out live on the
 * link ({@link UpstreamLink#outbox}, {@link UpstreamLink#nextSendAtMs}), so they end with it.
 */
final class PacedSender {
    private final EventLoop loop;
    /** The least time between two messages on one link. */
    private final long minGapMs;
    /** The feed's generation check: a flush that comes due after the feed replaced the link sends nothing. */
    private final Predicate<UpstreamLink> isCurrent;

    PacedSender(EventLoop loop, double maxMessagesPerSecond, Predicate<UpstreamLink> isCurrent) {
        this.loop = loop;
        this.minGapMs = (long) Math.ceil(1000 / maxMessagesPerSecond);
        this.isCurrent = isCurrent;
    }

    /** Sends {@code text} now if the pace allows and nothing waits; else after what waits, in order. */
    void send(UpstreamLink link, String text) {
        if (link.outbox.isEmpty() && loop.nowMs() >= link.nextSendAtMs) {
            write(link, text);
            return;
        }
        link.outbox.add(text);
        scheduleFlush(link);
    }

    private void write(UpstreamLink link, String text) {
        long now = loop.nowMs();
        link.socket.send(text);
        link.lastOutboundMs = now;
        link.nextSendAtMs = now + minGapMs;
    }

    /** One flush timer per link at a time; each sends one message and, while more wait, schedules the next. */
    private void scheduleFlush(UpstreamLink link) {
        if (link.flushScheduled) {
            return;
        }
        link.flushScheduled = true;
        loop.schedule(() -> {
            link.flushScheduled = false;
            if (!isCurrent.test(link)) {
                return;
            }
            if (!link.outbox.isEmpty() && loop.nowMs() >= link.nextSendAtMs) {
                write(link, link.outbox.poll());
            }
            if (!link.outbox.isEmpty()) {
                scheduleFlush(link);
            }
        }, Math.max(0, link.nextSendAtMs - loop.nowMs()));
    }
}
