package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.client.ClientState;
import io.pushwire.client.PushClient;
import io.pushwire.client.PushClientException;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Subscribed;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Java SDK against the packaged server. */
@ExtendWith(SharedServer.class)
class SdkIT {

    @Test
    void sdkConnectsSubscribesAndReceivesEventsInOrderOnItsThread(ServerProcess server) throws Exception {
        BlockingQueue<Event> trades = new LinkedBlockingQueue<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        try (PushClient client = PushClient.builder(server.webSocketUri()).build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            assertEquals(ClientState.CONNECTED, client.state());
            assertNotNull(client.clientId());
            Subscribed subscribed = client.subscribe("sim.trades.ETH-USDT", event -> {
                threads.add(Thread.currentThread().getName());
                trades.add(event);
            }).get(10, TimeUnit.SECONDS);

            long expected = subscribed.seq() + 1;
            for (int i = 0; i < 20; i++) {
                Event event = trades.poll(10, TimeUnit.SECONDS);
                assertNotNull(event, "no event within 10 s");
                assertEquals(expected++, event.seq());
                assertEquals(subscribed.epoch(), event.epoch());
                assertEquals("ETH-USDT", event.data().path("symbol").asText());
            }
            assertTrue(threads.stream().allMatch(name -> name.startsWith("pushwire-client-")), threads.toString());
        }
    }

    @Test
    void sdkSeesServerRefusalOfAnUnknownChannel(ServerProcess server) throws Exception {
        try (PushClient client = PushClient.builder(server.webSocketUri()).build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            CompletionException failure = assertThrows(CompletionException.class,
                    () -> client.subscribe("sim.trades.DOGE-XYZ", event -> { }).join());
            assertEquals("unknown_channel", assertInstanceOf(PushClientException.class, failure.getCause()).errorCode());
        }
    }

    @Test
    void manySdkClientsShareOneChannel(ServerProcess server) throws Exception {
        int clients = 50;
        List<PushClient> opened = new CopyOnWriteArrayList<>();
        List<BlockingQueue<Event>> received = new CopyOnWriteArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                PushClient client = PushClient.builder(server.webSocketUri()).build();
                opened.add(client);
                BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
                received.add(queue);
                client.subscribe("sim.ticker.BTC-USDT", queue::add);
                client.connect().get(10, TimeUnit.SECONDS);
            }
            for (BlockingQueue<Event> queue : received) {
                Event first = queue.poll(10, TimeUnit.SECONDS);
                Event second = queue.poll(10, TimeUnit.SECONDS);
                assertNotNull(second);
                assertEquals(first.seq() + 1, second.seq());
            }
        } finally {
            opened.forEach(PushClient::close);
        }
    }
}
