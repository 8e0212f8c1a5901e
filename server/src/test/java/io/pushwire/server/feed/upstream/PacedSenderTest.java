package io.pushwire.server.feed.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PacedSenderTest {
    private final ManualLoop loop = new ManualLoop();
    private final FakeSockets.Socket socket = new FakeSockets.Socket();
    private final UpstreamLink link = new UpstreamLink(loop.nowMs());
    private boolean current = true;
    /** 4 messages a second: one each 250 ms. */
    private final PacedSender sender = new PacedSender(loop, 4, ignored -> current);

    PacedSenderTest() {
        link.attach(socket, loop.nowMs());
    }

    @Test
    void theFirstMessageGoesAtOnceAndTheRestOneAGapInOrder() {
        sender.send(link, "a");
        sender.send(link, "b");
        sender.send(link, "c");
        assertEquals(List.of("a"), socket.sent);

        loop.advance(249);
        assertEquals(List.of("a"), socket.sent);
        loop.advance(1);
        assertEquals(List.of("a", "b"), socket.sent);
        loop.advance(250);
        assertEquals(List.of("a", "b", "c"), socket.sent);
        assertEquals(loop.nowMs(), link.lastOutboundMs);
    }

    @Test
    void aMessageAfterAQuietGapGoesAtOnce() {
        sender.send(link, "a");
        loop.advance(300);
        sender.send(link, "b");
        assertEquals(List.of("a", "b"), socket.sent);
    }

    @Test
    void whatWaitsOnALinkTheFeedReplacedIsNeverSent() {
        sender.send(link, "a");
        sender.send(link, "b");
        current = false;

        loop.advance(10_000);

        assertEquals(List.of("a"), socket.sent);
    }
}
