package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.Welcome;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where a resume without {@code positions} continues: after the last position the server wrote to the
 * client, on whichever connection wrote it. The writer runs only when the test says, so a connection can
 * come and go before anything is written on it.
 */
class WrittenPositionTest {
    private final FrameCodec codec = new FrameCodec();
    private final ManualTime time = new ManualTime(1_700_000_000_000L);
    private final ManualExecutor writer = new ManualExecutor();
    private final PushServer server = new PushServer(ServerConfig.builder().helloTimeoutMs(60_000).build(), codec,
            time, writer, time);

    @AfterEach
    void stop() {
        server.close();
    }

    private Connection open(FakeTransport transport, String hello) {
        Connection connection = server.open(transport);
        connection.onText(hello);
        return connection;
    }

    private static String resumeHello(Welcome welcome) {
        return "{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"clientId\":\"" + welcome.clientId()
                + "\",\"resumeToken\":\"" + welcome.resumeToken() + "\"}";
    }

    private void publish(int count) {
        for (int i = 0; i < count; i++) {
            server.hub().publish("news.a", IntNode.valueOf(i));
        }
    }

    private List<Long> seqs(FakeTransport transport) {
        return transport.frames(Event.class).stream().map(Event::seq).toList();
    }

    @Test
    void aResumeInterruptedBeforeAnythingWasWrittenLosesNothingOnTheNextOne() {
        FakeTransport first = new FakeTransport();
        Connection one = open(first, "{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
        one.onText("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"news.a\"}");
        publish(3);
        writer.runAll();
        assertEquals(List.of(1L, 2L, 3L), seqs(first));
        Welcome welcome = first.frames(Welcome.class).get(0);
        one.onTransportClosed(1006, "gone");

        FakeTransport second = new FakeTransport();
        Connection two = open(second, resumeHello(welcome));
        two.onTransportClosed(1006, "gone before the server wrote anything");
        assertTrue(second.sent().isEmpty(), "the writer has not run: nothing was written on the second connection");
        publish(2);

        FakeTransport third = new FakeTransport();
        open(third, resumeHello(welcome));
        writer.runAll();

        assertTrue(third.frames(Welcome.class).get(0).resumed());
        Subscribed restored = third.frames(Subscribed.class).get(0);
        assertNull(restored.id());
        assertTrue(restored.recovered(), "continued after seq 3, which the first connection wrote");
        assertEquals(List.of(4L, 5L), seqs(third));
        assertTrue(third.frames(ErrorFrame.class).isEmpty());
    }
}
