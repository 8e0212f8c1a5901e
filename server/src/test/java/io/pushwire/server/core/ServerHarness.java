package io.pushwire.server.core;

import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Pong;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * A {@link PushServer} on a given clock with fake transports, for tests that drive connections by hand.
 * Its hello timer never fires during a test: tests call {@code helloDeadlinePassed(ms)} themselves.
 */
final class ServerHarness implements AutoCloseable {
    private final InstantSource clock;
    private final List<FakeTransport> transports = new ArrayList<>();
    private final AtomicLong pingTs = new AtomicLong(1_000);
    private PushServer server;

    ServerHarness(InstantSource clock) {
        this.clock = clock;
    }

    PushServer start(UnaryOperator<ServerConfig.Builder> settings) {
        server = new PushServer(settings.apply(ServerConfig.builder().helloTimeoutMs(60_000)).build(),
                new FrameCodec(), clock);
        return server;
    }

    FakeTransport transport() {
        FakeTransport transport = new FakeTransport();
        transports.add(transport);
        return transport;
    }

    /** Round-trips a ping: every reply to earlier frames has been written once its pong is (one ordered writer). */
    void sync(Connection connection, FakeTransport transport) {
        long ts = pingTs.incrementAndGet();
        connection.onText("{\"type\":\"ping\",\"ts\":" + ts + "}");
        transport.awaitFrame(Pong.class, pong -> Long.valueOf(ts).equals(pong.ts()));
    }

    @Override
    public void close() {
        // Unblock slow fakes first, or close() would wait for their writers.
        transports.forEach(FakeTransport::releaseSends);
        if (server != null) {
            server.close();
        }
    }
}
