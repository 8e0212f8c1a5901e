package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** SIGTERM closes every connection with 1001 (reconnect with resume), not with a dropped socket. */
class ShutdownIT {

    @Test
    void sigtermClosesConnectionsWith1001() throws Exception {
        ServerProcess server = ServerProcess.start("shutdown", Map.of());
        try (RawClient subscribed = RawClient.connect(server); RawClient idle = RawClient.connect(server)) {
            subscribed.hello();
            subscribed.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"sim.trades.BTC-USDT\"}");
            subscribed.nextOfType("subscribed");
            idle.hello();

            server.close();

            assertEquals(1001, subscribed.awaitClose(10));
            assertEquals(1001, idle.awaitClose(10));
        } finally {
            server.close();
        }
    }
}
