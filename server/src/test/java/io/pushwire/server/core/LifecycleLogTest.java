package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.protocol.Welcome;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One parseable line per lifecycle event, none per event delivered. */
class LifecycleLogTest {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(LifecycleLog.LOGGER);
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final ServerHarness harness = new ServerHarness(InstantSource.fixed(Instant.ofEpochMilli(1_700_000_000_000L)));

    @BeforeEach
    void capture() {
        logger.addHandler(handler);
    }

    @AfterEach
    void release() {
        logger.removeHandler(handler);
        harness.close();
    }

    @Test
    void openHelloPublishAndCloseLogOneLineEachWithTheirKeys() {
        PushServer server = harness.start(config -> config);
        FakeTransport transport = harness.transport();
        Connection connection = server.open(transport);
        connection.onText("{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
        String clientId = transport.awaitFrame(Welcome.class, welcome -> true).clientId();
        connection.onText("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"news.a\"}");
        for (int i = 0; i < 50; i++) {
            server.hub().publish("news.a", com.fasterxml.jackson.databind.node.IntNode.valueOf(i));
        }
        harness.sync(connection, transport);

        connection.close(4001, "queue \"over\" budget");

        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("event=connection\\.opened conn=\\d+ remote=\\S+"), lines.get(0));
        assertTrue(lines.get(1).matches("event=session\\.started conn=\\d+ clientId=" + clientId + " remote=\\S+"),
                lines.get(1));
        assertTrue(lines.get(2).matches("event=connection\\.closed conn=\\d+ clientId=" + clientId
                + " remote=\\S+ code=4001 by=server reason=\"queue \\\\\"over\\\\\" budget\""), lines.get(2));
    }
}
