package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.client.ClientState;
import io.pushwire.client.PushClient;
import io.pushwire.client.PushListener;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Gap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The server is killed (SIGKILL: no close frame, history and sessions lost) and started again on the
 * same port. The SDK reconnects by itself, learns its session is gone, re-subscribes, is told with
 * {@code gap epoch_changed} that its position means nothing in the new epoch, and resumes live delivery.
 */
class RestartIT {
    private static final String CHANNEL = "sim.trades.BTC-USDT";

    @Test
    void afterAKillAndRestartTheSdkReconnectsReportsEpochChangedAndResumesDelivery() throws Exception {
        Map<String, String> settings = Map.of("pushwire.feeds.simulated.rate", "200");
        ServerProcess first = ServerProcess.start("restart-1", settings);
        int port = first.port();
        List<Event> events = new CopyOnWriteArrayList<>();
        List<Gap> gaps = new CopyOnWriteArrayList<>();
        try (PushClient client = PushClient.builder(first.webSocketUri())
                .reconnectInitialDelay(Duration.ofMillis(200))
                .reconnectMaxDelay(Duration.ofSeconds(1))
                .listener(new PushListener() {
                    @Override
                    public void onGap(Gap gap) {
                        gaps.add(gap);
                    }
                })
                .build()) {
            client.subscribe(CHANNEL, events::add);
            client.connect().get(10, TimeUnit.SECONDS);
            await(() -> events.size() >= 20, "events before the kill");
            String firstEpoch = events.get(0).epoch();
            String firstClientId = client.clientId();

            first.kill();
            await(() -> client.state() != ClientState.CONNECTED, "the SDK to notice the kill");
            int beforeRestart = events.size();
            ServerProcess second = ServerProcess.start("restart-2", settings, port);
            try {
                await(() -> events.size() >= beforeRestart + 20, "live events from the restarted server");

                assertEquals(ClientState.CONNECTED, client.state());
                assertNotEquals(firstClientId, client.clientId(), "the old session died with the process");
                assertTrue(gaps.stream().anyMatch(g -> "epoch_changed".equals(g.reason()) && CHANNEL.equals(g.channel())),
                        "epoch_changed reported: " + gaps);
                // A snapshot: a CopyOnWriteArrayList's subList view throws once delivery appends to it.
                List<Event> snapshot = List.copyOf(events);
                List<Event> after = snapshot.subList(beforeRestart, snapshot.size());
                assertTrue(after.stream().allMatch(e -> !e.epoch().equals(firstEpoch)), "new epoch only");
                for (int i = 1; i < after.size(); i++) {
                    assertEquals(after.get(i - 1).seq() + 1, after.get(i).seq(), "gap-free in the new epoch");
                }
            } finally {
                second.close();
            }
        } finally {
            first.close();
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
