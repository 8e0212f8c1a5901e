package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.protocol.CloseCode;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Welcome;
import io.pushwire.server.broker.BrokerUnavailableException;
import io.pushwire.server.broker.MemoryBroker;
import io.pushwire.server.store.MemorySessionStore;
import io.pushwire.server.store.SessionRecord;
import io.pushwire.server.store.SessionStore;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A resume while the session store (Redis, in a cluster) cannot be reached: the client is told so with a
 * temporary error and the connection is closed with 4002, so that it reconnects with its backoff and
 * resumes once the store answers, instead of waiting on a hello that can never be served.
 */
class SessionStoreOutageTest {
    private final FrameCodec codec = new FrameCodec();
    private final ManualTime time = new ManualTime(1_700_000_000_000L);
    private final ServerConfig config = ServerConfig.builder().helloTimeoutMs(60_000).build();
    private final FlakyStore store = new FlakyStore(new MemorySessionStore(time, config.sessionTtlMs()));
    private final PushServer server = new PushServer(config, codec, time,
            new MemoryBroker(codec, time, config.history(), config.history()), store);

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aResumeWhileTheStoreIsDownIsATemporaryErrorAnd4002ThenSucceedsOnceItIsBack() {
        FakeTransport first = new FakeTransport();
        server.open(first).onText("{\"type\":\"hello\",\"id\":1,\"protocol\":1}");
        Welcome welcome = first.awaitFrame(Welcome.class);
        String resume = "{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"clientId\":\"" + welcome.clientId()
                + "\",\"resumeToken\":\"" + welcome.resumeToken() + "\"}";

        store.down = true;
        FakeTransport during = new FakeTransport();
        server.open(during).onText(resume);

        ErrorFrame error = during.awaitFrame(ErrorFrame.class);
        assertEquals(ErrorCode.INTERNAL, error.code());
        assertTrue(error.temporary() && error.retryAfterMs() != null && error.retryAfterMs() > 0, error.toString());
        assertEquals(1L, error.id());
        assertEquals(CloseCode.OVERLOADED, during.awaitClose(), "reconnect later, with backoff");

        store.down = false;
        FakeTransport after = new FakeTransport();
        server.open(after).onText(resume);
        assertTrue(after.awaitFrame(Welcome.class).resumed(), "resumed once the store answers");
    }

    /** A store that cannot be reached while {@link #down}. */
    private static final class FlakyStore implements SessionStore {
        private final SessionStore delegate;
        volatile boolean down;

        FlakyStore(SessionStore delegate) {
            this.delegate = delegate;
        }

        private void check() {
            if (down) {
                throw new BrokerUnavailableException("redis at 127.0.0.1:6379 is unavailable (test)", false, null);
            }
        }

        @Override
        public boolean save(SessionRecord record) {
            check();
            return delegate.save(record);
        }

        @Override
        public boolean handOver(SessionRecord record) {
            check();
            return delegate.handOver(record);
        }

        @Override
        public Optional<SessionRecord> load(String clientId) {
            check();
            return delegate.load(clientId);
        }

        @Override
        public Optional<SessionRecord> claim(String clientId) {
            check();
            return delegate.claim(clientId);
        }

        @Override
        public String node() {
            return delegate.node();
        }

        @Override
        public boolean delete(String clientId) {
            check();
            return delegate.delete(clientId);
        }

        @Override
        public List<SessionRecord> all() {
            check();
            return delegate.all();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
