package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

/**
 * A client with a 4 KiB receive window that subscribes to a channel the test fills at about 400 KiB/s
 * through the HTTP API, and never reads. Its queue budget (1 MiB) must end it with 4001, not the server's
 * memory.
 */
final class NonReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How it ended: the close code it read ({@code -1}: dropped without one), and the server's 4001 count. */
    record Outcome(int endedWith, long slowConsumerCloses) {
        boolean closedByServer() {
            return slowConsumerCloses >= 1 && (endedWith == 4001 || endedWith == -1);
        }
    }

    private NonReader() {
    }

    /** Connects from {@code from} (an address of 127/8), subscribes to {@code channel} and starves; 20 s at most. */
    static Outcome starve(ServerProcess server, InetAddress from, String channel) throws Exception {
        try (HandRolledSocket nonReader = HandRolledSocket.upgrade(from, server.port(), 4_096)) {
            assertEquals(101, nonReader.status());
            nonReader.sendText("{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
            nonReader.sendText("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"" + channel + "\"}");
            HttpRequest publish = HttpRequest.newBuilder(server.httpUri("/api/channels/" + channel + "/events"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"blob\":\"" + "x".repeat(8_000) + "\"}")).build();
            long slowCloses = 0;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            try (HttpClient http = HttpClient.newHttpClient()) {
                while (slowCloses == 0 && System.nanoTime() < until) {
                    for (int i = 0; i < 10; i++) {
                        assertEquals(200, http.send(publish, HttpResponse.BodyHandlers.discarding()).statusCode());
                    }
                    Thread.sleep(200);
                    slowCloses = JSON.readTree(server.get("/api/stats").body()).path("counters")
                            .path("slowConsumerCloses").asLong();
                }
            }
            // Reading now drains what the kernel buffered, then meets the close frame or the dropped socket.
            return new Outcome(nonReader.awaitClose(15_000), slowCloses);
        }
    }
}
