package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-address handshake limit, answered before the upgrade with HTTP 429 and Retry-After. */
class HandshakeLimitIT {
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start("handshake-limit", Map.of(
                "pushwire.limits.handshakes-per-second", "5",
                "pushwire.feeds.simulated.enabled", "false"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** A raw upgrade request from {@code source}; returns the status line and headers, up to the blank line. */
    private static List<String> handshake(Socket socket, String source) throws Exception {
        socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
        socket.setSoTimeout(5_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        List<String> head = new ArrayList<>();
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            head.add(line);
        }
        return head;
    }

    @Test
    void aBurstFromOneAddressIsAnswered429WithRetryAfterWhileAnotherAddressIsServed() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            List<List<String>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Socket socket = new Socket();
                sockets.add(socket);
                answers.add(handshake(socket, "127.0.0.1"));
            }
            Socket other = new Socket();
            sockets.add(other);
            List<String> fromOther = handshake(other, "127.0.0.2");

            long upgraded = answers.stream().filter(a -> a.get(0).contains(" 101 ")).count();
            List<List<String>> refused = answers.stream().filter(a -> a.get(0).contains(" 429 ")).toList();
            // 5 tokens, refilled at 5/s: a few handshakes may slip in while the burst is being sent.
            assertTrue(upgraded >= 5 && upgraded < 10, upgraded + " upgraded: " + answers);
            assertEquals(10, upgraded + refused.size(), "every answer is 101 or 429: " + answers);
            assertTrue(refused.get(0).contains("Retry-After: 1"), refused.get(0).toString());
            assertTrue(fromOther.get(0).contains(" 101 "), "127.0.0.2 has its own budget: " + fromOther);
            assertTrue(server.get("/health/ready").body().contains("\"handshakesRejected\":" + refused.size()));
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
