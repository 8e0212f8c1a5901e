package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The default connection budget comes from the process's open-file limit, so that a flood of half-open
 * upgrade requests cannot exhaust the server's file descriptors: with a limit of 1,024 files, 1,000
 * connections that each send half an upgrade request and stop leave the server below its limit, and once
 * they are gone it serves again.
 */
class ConnectionBudgetIT {
    private static final int OPEN_FILE_LIMIT = 1_024;
    private static final int FLOOD = 1_000;

    @Test
    void aFloodOfHalfOpenUpgradesCannotExhaustFileDescriptors() throws Exception {
        try (ServerProcess server = ServerProcess.startWithOpenFileLimit("connection-budget", Map.of(), OPEN_FILE_LIMIT)) {
            String log = Files.readString(server.log());
            assertTrue(log.contains("connection budget: server.max-tcp-connections=461, pushwire.limits.max-connections=333"
                    + " (open-file limit 1024"), "the budget drawn from the limit is logged: " + log);

            List<Socket> flood = new ArrayList<>();
            int peakDescriptors = 0;
            try {
                for (int i = 0; i < FLOOD; i++) {
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5_000);
                    socket.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    flood.add(socket);
                }
                Thread.sleep(2_000); // let the server accept all it will
                peakDescriptors = openDescriptors(server.pid());
                assertTrue(server.isAlive(), "the server survives the flood");
                assertTrue(peakDescriptors < OPEN_FILE_LIMIT - 100, "descriptors in use during the flood: " + peakDescriptors);
            } finally {
                for (Socket socket : flood) {
                    socket.close();
                }
            }
            long deadline = System.currentTimeMillis() + 20_000;
            while (server.get("/health/ready").statusCode() != 200) {
                assertTrue(System.currentTimeMillis() < deadline, "ready again within 20 s of the flood's end");
                Thread.sleep(200);
            }
            try (RawClient client = RawClient.connect(server, "pushwire.v1")) {
                assertEquals("welcome", client.hello().path("type").asText(), "a WebSocket client is served again");
            }
            System.out.println("ConnectionBudgetIT: " + FLOOD + " half-open upgrades held; the server's descriptors peaked at "
                    + peakDescriptors + " of " + OPEN_FILE_LIMIT);
        }
    }

    private static int openDescriptors(long pid) throws IOException {
        try (var files = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) files.count();
        }
    }
}
