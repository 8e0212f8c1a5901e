package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.node.TextNode;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Status;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.Subscribed;
import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.broker.HistorySettings;
import io.pushwire.server.broker.Publication;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a node's subscribers see when a shared broker becomes unreachable and comes back, or loses a
 * channel: driven through the hub's listener side, as a Redis broker's fan-out calls it.
 */
class BrokerOutageTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(1_700_000_000_123L));

    private final FrameCodec codec = new FrameCodec();
    private final Hub hub = TestHubs.memory(CLOCK, new ServerCounters(), new HistorySettings(100, 300_000),
            ChannelRules.defaults(), 100);
    private final ChannelKey news = ChannelKey.of("news.a");
    private final RecordingSubscriber subscriber = new RecordingSubscriber();

    private String stale() {
        return codec.encode(new Status("news.a", true, "broker unavailable"));
    }

    private String fresh() {
        return codec.encode(new Status("news.a", false, null));
    }

    @Test
    void anOutageIsToldOnceAndItsEndOnceWithTheChannelsStatusNow() {
        TestHubs.join(hub, subscriber, Subscribe.of(1, "news.a"));

        hub.onUnavailable(news, stale());
        hub.onUnavailable(news, stale());
        hub.onAvailable(news, fresh(), 0);
        hub.onAvailable(news, fresh(), 0);

        List<Frame> frames = subscriber.frames();
        assertInstanceOf(Subscribed.class, frames.get(0));
        assertEquals(List.of(new Status("news.a", true, "broker unavailable"), new Status("news.a", false, null)),
                frames.subList(1, frames.size()));
    }

    @Test
    void aRecoveryWithoutAnOutageSaysNothing() {
        TestHubs.join(hub, subscriber, Subscribe.of(1, "news.a"));

        hub.onAvailable(news, fresh(), 0);

        assertEquals(1, subscriber.frames().size(), "only the reply: " + subscriber.frames());
    }

    @Test
    void afterAnOutageNewerStatusesOfTheSourceStillCount() {
        TestHubs.join(hub, subscriber, Subscribe.of(1, "news.a"));
        hub.onUnavailable(news, stale());
        hub.onAvailable(news, fresh(), 0);

        hub.markStale("news.a", true, "feed down");

        assertEquals(new Status("news.a", true, "feed down"), subscriber.frames().get(3));
    }

    @Test
    void aNewEpochFromTheBrokerIsAnnouncedAndItsStatusesCountAfresh() {
        TestHubs.join(hub, subscriber, Subscribe.of(1, "news.a"));
        hub.markStale("news.a", true, "feed down");
        hub.markStale("news.a", false, null);
        String epoch = "NEWEPOCH22";
        String gap = codec.encode(new Gap("news.a", 1, 0, GapReason.EPOCH_CHANGED));
        String event = codec.encode(new Event("news.a", 1, epoch, CLOCK.millis(), TextNode.valueOf("x")));

        hub.onPublication(new Publication(news, epoch, 0, gap, false));
        hub.onPublication(new Publication(news, epoch, 1, event, true));
        hub.onStatus(new io.pushwire.server.broker.ChannelStatus(news, 1, true,
                codec.encode(new Status("news.a", true, "feed down again"))));

        List<Frame> frames = subscriber.frames();
        assertEquals(List.of(new Gap("news.a", 1, 0, GapReason.EPOCH_CHANGED),
                new Event("news.a", 1, epoch, CLOCK.millis(), TextNode.valueOf("x")),
                new Status("news.a", true, "feed down again")), frames.subList(3, frames.size()));
    }
}
