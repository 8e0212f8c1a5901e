package io.pushwire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the application is told when the real JDK transport cannot reach the server. */
class PushClientConnectFailureTest {

    /** A loopback port that was just free: nothing listens on it, so a connect is refused. */
    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aRefusedConnectionIsReportedAsRefusedWithTheAddress() throws Exception {
        int port = closedPort();
        BlockingQueue<String> disconnects = new LinkedBlockingQueue<>();
        PushListener listener = new PushListener() {
            @Override
            public void onDisconnected(int closeCode, String reason) {
                disconnects.add(closeCode + " " + reason);
            }
        };
        String expected = "connect failed: connection refused by 127.0.0.1:" + port;
        try (PushClient client = PushClient.builder(URI.create("ws://127.0.0.1:" + port + "/ws"))
                .listener(listener).maxReconnectAttempts(0).build()) {
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> client.connect().get(10, TimeUnit.SECONDS));
            PushClientException stopped = assertInstanceOf(PushClientException.class, failure.getCause());
            assertEquals("stopped reconnecting: reconnecting is disabled (maxReconnectAttempts 0) (last close 1006 "
                    + expected + ")", stopped.getMessage());
            assertEquals("connection refused by 127.0.0.1:" + port, stopped.getCause().getMessage());
            assertEquals("1006 " + expected, disconnects.poll(5, TimeUnit.SECONDS));
            assertEquals(stopped, client.stats().lastError());
        }
    }
}
