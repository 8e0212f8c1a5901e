package io.pushwire.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's run command works as written on a machine whose default {@code java} is 17 and with no
 * {@code JAVA_HOME}: the launcher finds a JDK 21+ by itself and the server is ready within 30 s.
 */
class LauncherIT {

    @Test
    void readmeRunCommandStartsAServerThatServesWebSockets() throws Exception {
        try (ServerProcess server = ServerProcess.startWithLauncher("launcher", Map.of())) {
            assertTrue(server.readyAfterMs() < 30_000, "ready after " + server.readyAfterMs() + " ms");
            try (RawClient client = RawClient.connect(server, "pushwire.v1")) {
                assertEquals("pushwire.v1", client.subprotocol());
                client.hello();
                client.send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"sim.trades.SOL-USDT\"}");
                client.nextOfType("subscribed");
                assertEquals("sim.trades.SOL-USDT", client.nextOfType("event").path("channel").asText());
            }
        }
    }
}
