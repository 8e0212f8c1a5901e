package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A client that vanishes without a close frame (a reset, or a FIN with no close handshake) is logged and
 * counted as 1006, though the web server reports it to Tyrus as 1011; a close frame that says 1011 stays 1011.
 */
class AbruptCloseIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void connectionsLostWithoutACloseFrameAre1006AndACloseFrameKeepsItsCode() throws Exception {
        try (ServerProcess server = ServerProcess.start("abrupt-close", Map.of())) {
            HandRolledSocket fin = welcomed(server);
            fin.close();
            HandRolledSocket reset = welcomed(server);
            reset.reset();
            HandRolledSocket closing = welcomed(server);
            closing.sendClose(1011, "client bug");
            assertTrue(closing.awaitClose(5_000) != 0, "the server answered the close frame");
            closing.close();

            JsonNode byCode = awaitCloses(server, 3);
            assertEquals(2, byCode.path("1006").asInt(), byCode.toString());
            assertEquals(1, byCode.path("1011").asInt(), byCode.toString());
            String metrics = server.get("/metrics").body();
            assertTrue(metrics.contains("pushwire_connections_closed_total{code=\"1006\"} 2.0"), metrics);
            assertTrue(metrics.contains("pushwire_connections_closed_total{code=\"1011\"} 1.0"), metrics);
            List<String> closed = Files.readAllLines(server.log()).stream()
                    .filter(line -> line.contains("event=connection.closed")).toList();
            assertEquals(2, closed.stream().filter(line -> line.contains("code=1006 by=peer")
                    && line.contains("connection lost without a close frame")).count(), String.join("\n", closed));
            assertEquals(1, closed.stream().filter(line -> line.contains("code=1011 by=peer reason=\"client bug\"")).count(),
                    String.join("\n", closed));
        }
    }

    /** A hand-rolled client that said hello, once the server counts it among its connections. */
    private static HandRolledSocket welcomed(ServerProcess server) throws Exception {
        HandRolledSocket socket = HandRolledSocket.upgrade(InetAddress.getLoopbackAddress(), server.port(), 0);
        assertEquals(101, socket.status());
        socket.sendText("{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
        long deadline = System.currentTimeMillis() + 10_000;
        while (JSON.readTree(server.get("/api/stats").body()).path("connections").asInt() < 1) {
            assertTrue(System.currentTimeMillis() < deadline, "the connection was not counted within 10 s");
            Thread.sleep(50);
        }
        Thread.sleep(200); // its hello read, so that the closed line names its session
        return socket;
    }

    private static JsonNode awaitCloses(ServerProcess server, int total) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        JsonNode byCode = null;
        while (System.currentTimeMillis() < deadline) {
            byCode = JSON.readTree(server.get("/api/stats").body()).path("closesByCode");
            int sum = 0;
            for (JsonNode count : byCode) {
                sum += count.asInt();
            }
            if (sum >= total) {
                return byCode;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("closes not counted within 15 s: " + byCode);
    }
}
