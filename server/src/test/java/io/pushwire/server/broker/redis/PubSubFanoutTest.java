package io.pushwire.server.broker.redis;

import static io.pushwire.server.broker.RecordingListener.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.IntNode;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Status;
import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.broker.ChannelStatus;
import io.pushwire.server.broker.Publication;
import io.pushwire.server.broker.RecordingListener;
import io.pushwire.server.broker.StreamRead;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which entries the fan-out hands on at once, on the thread they came on (pub/sub's event loop, or the
 * publishing thread for this node's own publish), and which it leaves to its own thread: without Redis, the
 * stream the fan-out would read being a list in the test.
 */
class PubSubFanoutTest {
    private static final String EPOCH = "E1";
    private final FrameCodec codec = new FrameCodec();
    private final RedisKeys keys = new RedisKeys("t:");
    private final ChannelKey news = ChannelKey.of("news.a");
    private final String pubsub = keys.pubsub(news);
    private final RecordingListener heard = new RecordingListener();
    /** What the stream in "Redis" holds; reads of it count. */
    private final List<Publication> stream = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
    private PubSubFanout fanout;

    @BeforeEach
    void start() {
        fanout = new PubSubFanout(keys, codec, this::read, (channels, touch) -> Map.of(), 60_000, 2_000);
        fanout.start(heard, new PubSubFanout.PubSubCommands() {
            @Override
            public void subscribe(String channel) {
            }

            @Override
            public CompletionStage<?> unsubscribe(String channel) {
                return CompletableFuture.completedFuture(null);
            }
        });
        fanout.listen(news);
    }

    @AfterEach
    void stop() {
        fanout.close();
    }

    private synchronized StreamRead read(ChannelKey channel, io.pushwire.protocol.Position since) {
        reads.incrementAndGet();
        long after = since == null ? Long.MAX_VALUE : since.seq();
        List<Publication> entries = stream.stream().filter(entry -> entry.seq() > after).toList();
        long head = stream.isEmpty() ? 0 : stream.get(stream.size() - 1).seq();
        return new StreamRead(EPOCH, head, 1, entries, null, ChannelStatus.initial(channel));
    }

    /** Appends entry {@code seq} to the stream, as the publish script would. */
    private synchronized Publication append(long seq) {
        FrameTemplate frame = FrameTemplate.event(codec, news.name(), 1_000, IntNode.valueOf((int) seq));
        Publication entry = new Publication(news, EPOCH, seq, frame.render(seq, EPOCH), true);
        stream.add(entry);
        return entry;
    }

    private static String announcement(Publication entry) {
        return "e" + entry.seq() + "|" + entry.epoch() + "|" + entry.encoded();
    }

    private List<Long> seqsHeard() {
        return heard.publications(news).stream().map(Publication::seq).toList();
    }

    @Test
    void theNextEntryIsHandedOnAtOnceOnTheThreadItCameOn() {
        Publication first = append(1);
        fanout.message(pubsub, announcement(first));
        assertEquals(List.of(1L), seqsHeard(), "handed on before message() returned");

        Publication second = append(2);
        fanout.handPublished(second, 0);
        assertEquals(List.of(1L, 2L), seqsHeard(), "this node's own publish, before publish returned");

        fanout.message(pubsub, announcement(second)); // pub/sub's copy of it comes back later: dropped
        assertEquals(List.of(1L, 2L), seqsHeard());
        assertEquals(1, reads.get(), "no read but listen's: nothing was repaired");
    }

    @Test
    void anOwnPublishAfterAStatusNotYetHandedOnWaitsForPubSub() {
        Publication first = append(1);
        fanout.handPublished(first, 1); // a status (version 1) was published before it, and has not come yet

        assertEquals(List.of(), seqsHeard());
        fanout.message(pubsub, "s1|" + EPOCH + "|1|" + codec.encode(new Status(news.name(), true, "feed down")));
        fanout.message(pubsub, announcement(first));
        await(() -> seqsHeard().size() == 1, "the entry, from pub/sub after the status");
        assertEquals(List.of(1L), heard.statuses(news).stream().map(ChannelStatus::version).toList());
    }

    @Test
    void aJumpIsLeftToTheFanOutThreadWhichRepairsBeforeHandingOn() {
        append(1);
        Publication second = append(2);
        Publication third = append(3);
        fanout.handPublished(third, 0);
        assertEquals(List.of(), seqsHeard(), "3 is not next");

        fanout.message(pubsub, announcement(third)); // 1 and 2 were lost on the way
        await(() -> seqsHeard().size() == 3, "the repair");
        assertEquals(List.of(1L, 2L, 3L), seqsHeard());

        fanout.message(pubsub, announcement(second));
        Publication fourth = append(4);
        fanout.message(pubsub, announcement(fourth));
        await(() -> seqsHeard().size() == 4, "the next entry");
        assertEquals(List.of(1L, 2L, 3L, 4L), seqsHeard(), "a late copy is dropped");
    }
}
