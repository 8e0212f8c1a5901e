package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Faults injected between raw clients and the real server by a {@link ChaosProxy}. */
class ChaosIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start("chaos", Map.of(
                "pushwire.feeds.simulated.rate", "2000",
                "pushwire.heartbeat.interval-ms", "600",
                "pushwire.heartbeat.timeout-ms", "600",
                "pushwire.limits.handshakes-per-second", "100000"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static JsonNode readyData() throws Exception {
        return JSON.readTree(server.get("/health/ready").body()).path("checks").path(0).path("data");
    }

    private static RawClient viaProxy(ChaosProxy proxy) {
        return RawClient.connect(URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"));
    }

    @Test
    void aBlackholedClientIsDetectedByTheHeartbeatAndItsConnectionIsReleased() throws Exception {
        long closedBefore = readyData().path("connectionsClosed").asLong();
        long timeoutsBefore = readyData().path("heartbeatTimeouts").asLong();
        try (ChaosProxy proxy = new ChaosProxy(server.port()); RawClient client = viaProxy(proxy)) {
            client.hello();
            client.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"sim.trades.BTC-USDT\"}");
            client.nextOfType("subscribed");

            assertTrue(proxy.blackholeOne(new Random(1)));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (readyData().path("connectionsClosed").asLong() == closedBefore) {
                assertTrue(System.nanoTime() < deadline, "the half-open connection was never closed: " + readyData());
                Thread.sleep(100);
            }
            assertTrue(readyData().path("heartbeatTimeouts").asLong() > timeoutsBefore, readyData().toString());
            // Not only the session: the server's socket must go too, though the peer never reads again.
            long released = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (establishedToServer() > 0) {
                assertTrue(System.nanoTime() < released, "the server kept the socket of a detected dead client: "
                        + establishedToServer() + " established, " + readyData());
                Thread.sleep(200);
            }
        }
    }

    /**
     * The server's own sockets in ESTABLISHED state. Once the server drops a socket whose peer stopped
     * reading, the kernel keeps it in FIN-WAIT (the FIN waits behind unsent data) but the server holds
     * nothing any more.
     */
    private static long establishedToServer() throws Exception {
        Process ss = new ProcessBuilder("ss", "-Htn", "state", "established", "sport", "= :" + server.port())
                .redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes());
        ss.waitFor();
        return out.lines().filter(line -> !line.isBlank()).count();
    }
}
