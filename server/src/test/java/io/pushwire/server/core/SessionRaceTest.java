package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.Welcome;
import io.pushwire.server.broker.ChannelKey;
import io.pushwire.server.broker.MemoryBroker;
import io.pushwire.server.store.MemorySessionStore;
import io.pushwire.server.store.SessionRecord;
import io.pushwire.server.store.SessionStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A session's resume, its expiry and pushes to its {@code $me}, each race forced into one order: the store
 * or the broker runs the other side at the decisive moment, so that the run is exact. The server has no
 * periodic sweeps; the test expires sessions itself.
 */
class SessionRaceTest {
    private static final long TTL = 60_000;
    private static final String HELLO = "{\"type\":\"hello\",\"id\":1,\"protocol\":1}";

    private final FrameCodec codec = new FrameCodec();
    private final ManualTime time = new ManualTime(1_700_000_000_000L);
    private final PausingStore store = new PausingStore(new MemorySessionStore(time, TTL));
    private final ExecutorService writer = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory());
    private final ServerConfig config = ServerConfig.builder().helloTimeoutMs(600_000).sessionTtlMs(TTL).build();
    private final MemoryBroker memory = new MemoryBroker(codec, time, config.history(), config.history());
    private final PausingBroker broker = new PausingBroker(memory);
    private final PushServer server = new PushServer(config, codec, time, broker, store, writer, time);

    @AfterEach
    void stop() {
        server.close();
    }

    private record Client(FakeTransport transport, Connection connection, Welcome welcome) {
    }

    private Client connect(String hello) {
        FakeTransport transport = new FakeTransport();
        Connection connection = server.open(transport);
        connection.onText(hello);
        return new Client(transport, connection, transport.awaitFrame(Welcome.class));
    }

    private static String resumeHello(Welcome welcome) {
        return "{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"clientId\":\"" + welcome.clientId()
                + "\",\"resumeToken\":\"" + welcome.resumeToken() + "\"}";
    }

    /** A client subscribed to its {@code $me}, then gone: its session waits for a resume. */
    private Client detachedWithItsInbox() {
        Client client = connect(HELLO);
        client.connection().onText("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"$me\"}");
        client.transport().awaitFrame(Subscribed.class, s -> s.channel().equals("$me"));
        client.connection().onTransportClosed(1006, "reset");
        return client;
    }

    /**
     * A hello that names the session just before its TTL runs out, while the expiry sweep drops it: the hello
     * has read the session's record, then the sweep removes the session (and its {@code $me}, with what was
     * pushed to it while away). The resume must then fail as for any expired session, not bring the session
     * back from the record it read, without its {@code $me}.
     */
    @Test
    void aResumeThatLosesTheRaceWithTheExpiryStartsAFreshSession() {
        Client gone = detachedWithItsInbox();
        server.pushToSession(gone.welcome().clientId(), JsonNodeFactory.instance.textNode("while away")).orElseThrow();
        store.afterNextLoad(() -> {
            time.advance(TTL);
            server.expireSessions();
        });

        Client back = connect(resumeHello(gone.welcome()));

        assertFalse(back.welcome().resumed(), "resumed a session the expiry had dropped, its $me with it");
        assertEquals(ErrorCode.RESUME_FAILED, back.transport().awaitFrame(ErrorFrame.class).code());
        assertEquals(1L, server.counters().snapshot().get("sessionsExpired"));
    }

    /**
     * A push to a detached session while the sweep expires it: the push found the session, then the expiry
     * dropped its {@code $me}, then the push reached the broker, which makes a stream anew for it. Nothing
     * would ever drop that one: the session is gone.
     */
    @Test
    void aPushThatRacesTheExpiryLeavesNothingOfTheSessionBehind() throws Exception {
        Client gone = connect(HELLO);
        gone.connection().onTransportClosed(1006, "reset");
        ChannelKey inbox = ChannelKey.inbox(gone.welcome().clientId());
        time.advance(TTL);
        Thread sweeper = Thread.ofPlatform().name("test-sweeper").unstarted(server::expireSessions);
        // The sweep runs while the push is on its way to the broker, as far as it can: to its end, or until
        // it waits for what the push holds.
        broker.beforeNextPublish(() -> {
            sweeper.start();
            FakeTransport.await(() -> waitsOrEnded(sweeper), "the sweep to end or wait");
        });

        server.pushToSession(gone.welcome().clientId(), JsonNodeFactory.instance.textNode("late"));
        sweeper.join(5_000);

        assertEquals(1L, server.counters().snapshot().get("sessionsExpired"));
        assertEquals(0, memory.read(inbox, null).head(), "the $me stream of the expired session outlived it");
    }

    private static boolean waitsOrEnded(Thread thread) {
        Thread.State state = thread.getState();
        return state == Thread.State.WAITING || state == Thread.State.BLOCKED || state == Thread.State.TERMINATED;
    }

    /** A {@link SessionStore} that runs a task once, right after a load has read its record. */
    private static final class PausingStore implements SessionStore {
        private final SessionStore delegate;
        private final AtomicReference<Runnable> afterLoad = new AtomicReference<>();

        PausingStore(SessionStore delegate) {
            this.delegate = delegate;
        }

        void afterNextLoad(Runnable task) {
            afterLoad.set(task);
        }

        @Override
        public boolean save(SessionRecord record) {
            return delegate.save(record);
        }

        @Override
        public boolean handOver(SessionRecord record) {
            return delegate.handOver(record);
        }

        @Override
        public Optional<SessionRecord> claim(String clientId) {
            return delegate.claim(clientId);
        }

        @Override
        public String node() {
            return delegate.node();
        }

        @Override
        public Optional<SessionRecord> load(String clientId) {
            Optional<SessionRecord> record = delegate.load(clientId);
            Runnable task = afterLoad.getAndSet(null);
            if (task != null) {
                task.run();
            }
            return record;
        }

        @Override
        public boolean delete(String clientId) {
            return delegate.delete(clientId);
        }

        @Override
        public List<SessionRecord> all() {
            return delegate.all();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
