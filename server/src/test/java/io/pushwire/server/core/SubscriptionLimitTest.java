package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.Unsubscribed;
import io.pushwire.protocol.Welcome;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A session holds at most {@code max-subscriptions} channels; the next one is refused with limit_exceeded. */
class SubscriptionLimitTest {
    private final ServerHarness harness = new ServerHarness(InstantSource.fixed(Instant.ofEpochMilli(1_700_000_000_000L)));

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void theSubscriptionOverTheLimitIsRefusedUntilOneIsLeft() {
        PushServer server = harness.start(config -> config.maxSubscriptions(2));
        FakeTransport transport = harness.transport();
        Connection connection = server.open(transport);
        connection.onText("{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
        transport.awaitFrame(Welcome.class, welcome -> true);

        subscribe(connection, transport, 2, "news.a");
        subscribe(connection, transport, 3, "news.b");
        int channels = server.hub().channelCount();
        connection.onText("{\"type\":\"subscribe\",\"id\":4,\"channel\":\"news.c\"}");
        ErrorFrame refused = transport.awaitFrame(ErrorFrame.class, error -> Long.valueOf(4).equals(error.id()));

        assertEquals(ErrorCode.LIMIT_EXCEEDED, refused.code());
        assertTrue(refused.message().contains("pushwire.limits.max-subscriptions"), refused.message());
        assertEquals(1L, server.counters().snapshot().get("limitsExceeded"));
        assertEquals(channels, server.hub().channelCount(), "a refused subscribe creates no channel");
        subscribe(connection, transport, 5, "news.a"); // again: already held, not a new one
        connection.onText("{\"type\":\"unsubscribe\",\"id\":6,\"channel\":\"news.b\"}");
        transport.awaitFrame(Unsubscribed.class, reply -> Long.valueOf(6).equals(reply.id()));
        subscribe(connection, transport, 7, "news.c");
    }

    private static void subscribe(Connection connection, FakeTransport transport, long id, String channel) {
        connection.onText("{\"type\":\"subscribe\",\"id\":" + id + ",\"channel\":\"" + channel + "\"}");
        transport.awaitFrame(Subscribed.class, subscribed -> Long.valueOf(id).equals(subscribed.id()));
    }
}
