package io.pushwire.it;

import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects one default-configured server, started once for all test classes that use this extension
 * and stopped when the test run ends. The simulated feed runs at 200 events/s so tests see data fast.
 */
final class SharedServer implements ParameterResolver {
    private static final String KEY = "pushwire.shared.server";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ServerProcess.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
        return store.getOrComputeIfAbsent(KEY, key -> new Resource(), Resource.class).server;
    }

    private static final class Resource implements ExtensionContext.Store.CloseableResource {
        final ServerProcess server;

        Resource() {
            try {
                // Many test classes connect from 127.0.0.1 in quick succession: HandshakeLimitIT tests the limit.
                server = ServerProcess.start("shared", Map.of("pushwire.feeds.simulated.rate", "200",
                        "pushwire.limits.handshakes-per-second", "1000"));
            } catch (Exception e) {
                throw new IllegalStateException("could not start the shared server", e);
            }
        }

        @Override
        public void close() throws Throwable {
            server.close();
        }
    }
}
