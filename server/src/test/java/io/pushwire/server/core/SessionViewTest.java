package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.Welcome;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What operators see of sessions: state, address, subscriptions, age, paged oldest first. */
class SessionViewTest {
    private final ManualTime time = new ManualTime(1_700_000_000_000L);
    private final ServerHarness harness = new ServerHarness(time);

    @AfterEach
    void stop() {
        harness.close();
    }

    private record Client(String clientId, Connection connection) {
    }

    private Client hello(PushServer server, FakeTransport transport, String... channels) {
        Connection connection = server.open(transport);
        connection.onText("{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
        String clientId = transport.awaitFrame(Welcome.class, welcome -> true).clientId();
        for (String channel : channels) {
            connection.onText("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"" + channel + "\"}");
            transport.awaitFrame(Subscribed.class, subscribed -> channel.equals(subscribed.channel()));
        }
        return new Client(clientId, connection);
    }

    @Test
    void sessionsArePagedOldestFirstWithTheirStateAndSubscriptions() {
        PushServer server = harness.start(config -> config);
        FakeTransport firstTransport = harness.transport();
        String first = hello(server, firstTransport, "news.b", "news.a").clientId();
        time.advance(1_000);
        String second = hello(server, harness.transport()).clientId();
        time.advance(500);

        PushServer.SessionPage page = server.sessions(0, 1);

        assertEquals(2, page.total());
        SessionView oldest = page.sessions().get(0);
        assertEquals(first, oldest.clientId());
        assertTrue(oldest.attached());
        assertEquals("fake", oldest.remoteAddress());
        assertEquals(List.of("news.a", "news.b"), oldest.subscriptions());
        assertEquals(1_500, oldest.ageMs());
        assertEquals(-1, oldest.detachedForMs());
        assertEquals(second, server.sessions(1, 10).sessions().get(0).clientId());
        assertTrue(server.sessions(5, 10).sessions().isEmpty(), "past the end: an empty page");
    }

    @Test
    void aDetachedSessionShowsHowLongItHasBeenAway() {
        PushServer server = harness.start(config -> config);
        FakeTransport transport = harness.transport();
        hello(server, transport, "news.a").connection().onTransportClosed(1006, "reset");
        time.advance(2_000);

        SessionView view = server.sessions(0, 10).sessions().get(0);

        assertTrue(!view.attached());
        assertNull(view.remoteAddress());
        assertEquals(2_000, view.detachedForMs());
        assertEquals(List.of("news.a"), view.subscriptions(), "kept for the resume");
    }
}
