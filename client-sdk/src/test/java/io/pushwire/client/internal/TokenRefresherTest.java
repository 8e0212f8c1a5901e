package io.pushwire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.client.PushClientException;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Refresh;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which token a connection presents and when it is refreshed. The supplier runs on the refresher's own
 * threads; the test's thread plays the event thread and runs the answers (see {@link ManualConnection}).
 */
class TokenRefresherTest {
    private static final FrameCodec CODEC = new FrameCodec();
    private final ManualConnection connection = new ManualConnection();
    private final RecordingTransport transport = new RecordingTransport();
    private final FrameSender sender = new FrameSender(CODEC);
    private final List<PushClientException> errors = new ArrayList<>();
    private final List<String> supplierThreads = new CopyOnWriteArrayList<>();
    private final AtomicInteger asked = new AtomicInteger();
    private TokenRefresher tokens;

    {
        sender.attach(transport, error -> { });
    }

    @AfterEach
    void shutdown() {
        tokens.shutdown();
    }

    @Test
    void aFixedTokenIsPresentedAtOnceAndNeverRefreshed() {
        tokens = refresher("static", null);
        List<String> presented = new ArrayList<>();
        tokens.fetch(() -> presented.add(tokens.current()), failure -> { });
        assertEquals(List.of("static"), presented);
        connection.connected = true;
        tokens.connected();
        tokens.refreshNow();
        assertEquals(List.of(), connection.time.pendingDelays());
        assertEquals(0, connection.queuedTasks());
    }

    @Test
    void theSupplierIsAskedOnItsOwnThreadForEveryAttempt() throws Exception {
        tokens = refresher(null, () -> "token-" + asked.incrementAndGet());
        for (int attempt = 1; attempt <= 2; attempt++) {
            List<String> presented = new ArrayList<>();
            tokens.fetch(() -> presented.add(tokens.current()), failure -> { });
            assertEquals(List.of(), presented, "the answer waits for the event thread");
            connection.runNext();
            assertEquals(List.of("token-" + attempt), presented);
        }
        assertTrue(supplierThreads.stream().allMatch(name -> name.matches("pushwire-client-test-token-\\d+")),
                supplierThreads.toString());
    }

    @Test
    void aFailingSupplierIsReportedAndTheAttemptToldWhy() throws Exception {
        tokens = refresher(null, () -> {
            throw new IllegalStateException("auth server down");
        });
        List<PushClientException> failed = new ArrayList<>();
        tokens.fetch(() -> failed.add(null), failed::add);
        connection.runNext();
        assertEquals(1, failed.size());
        assertEquals("token supplier failed: IllegalStateException: auth server down", failed.get(0).getMessage());
        assertEquals(IllegalStateException.class, failed.get(0).getCause().getClass());
        assertEquals(failed, errors);
    }

    @Test
    void aJwtIsRefreshedTheMarginBeforeItExpiresAndAgainForTheNewOne() throws Exception {
        tokens = refresher(null, () -> jwt(asked.incrementAndGet(), connection.time.wallMillis() / 1000 + 60));
        connect();
        assertEquals(List.of(30_000L), connection.time.pendingDelays()); // 60 s left, margin 30 s
        connection.time.advance(30_000);
        connection.runNext();
        String second = jwt(2, connection.time.wallMillis() / 1000 + 60);
        assertEquals(List.of(new Refresh(1L, second)), transport.frames());
        assertEquals(transport.frames().get(0), sender.takeRequest(1L), "an error reply can say a refresh was refused");
        assertEquals(List.of(30_000L), connection.time.pendingDelays());
    }

    @Test
    void theSameTokenAgainIsNotSentButLookedAtLater() throws Exception {
        String same = jwt(1, connection.time.wallMillis() / 1000 + 60);
        tokens = refresher(null, () -> same);
        connect();
        connection.time.advance(30_000);
        connection.runNext();
        assertEquals(List.of(), transport.frames());
        assertEquals(List.of(15_000L), connection.time.pendingDelays()); // half the 30 s left
    }

    @Test
    void tokenExpiredRefreshesAtOnceButOnlyWhenConnectedAndOneQuestionAtATime() throws Exception {
        tokens = refresher(null, () -> "opaque-" + asked.incrementAndGet());
        tokens.refreshNow();
        assertEquals(0, asked.get(), "not connected: nothing to refresh");
        connect();
        tokens.refreshNow();
        tokens.refreshNow();
        connection.runNext();
        assertEquals(List.of(new Refresh(1L, "opaque-2")), transport.frames());
        assertEquals(2, asked.get());
        assertEquals(0, connection.queuedTasks());
    }

    @Test
    void aRateLimitedRefreshIsSentAgainUnlessANewerTokenReplacedIt() throws Exception {
        tokens = refresher(null, () -> "opaque-" + asked.incrementAndGet());
        connect();
        tokens.refreshNow();
        connection.runNext();
        Refresh refused = (Refresh) transport.frames().get(0);
        tokens.retry(refused, 1_000);
        connection.time.advance(1_000);
        assertEquals(List.of(refused, new Refresh(2L, "opaque-2")), transport.frames());

        tokens.retry(refused, 1_000);
        tokens.refreshNow();
        connection.runNext(); // opaque-3 replaces it
        connection.time.advance(1_000);
        assertEquals("opaque-3", ((Refresh) transport.frames().get(transport.frames().size() - 1)).token());
        assertEquals(3, transport.frames().size());
    }

    @Test
    void theEndOfTheConnectionCancelsItsRefresh() throws Exception {
        tokens = refresher(null, () -> jwt(asked.incrementAndGet(), connection.time.wallMillis() / 1000 + 60));
        connect();
        tokens.connectionEnded();
        assertEquals(List.of(), connection.time.pendingDelays());
    }

    @Test
    void afterShutdownTheSupplierIsNotAskedAnyMore() {
        tokens = refresher(null, () -> "token-" + asked.incrementAndGet());
        tokens.shutdown();
        List<String> presented = new ArrayList<>();
        tokens.fetch(() -> presented.add(tokens.current()), failure -> { });
        assertEquals(0, connection.queuedTasks());
        assertEquals(List.of(), presented);
        assertNull(tokens.current());
    }

    /** Fetches a first token, then the welcome arrives. */
    private void connect() throws InterruptedException {
        tokens.fetch(() -> { }, failure -> { });
        connection.runNext();
        connection.connected = true;
        tokens.connected();
        transport.written.clear();
    }

    private TokenRefresher refresher(String fixed, Supplier<String> supplier) {
        Supplier<String> recording = supplier == null ? null : () -> {
            supplierThreads.add(Thread.currentThread().getName());
            return supplier.get();
        };
        ClientConfig config = TestConfigs.withToken(fixed, recording, connection.time);
        return new TokenRefresher(config, "pushwire-client-test", connection.time, connection, sender, errors::add);
    }

    private static String jwt(int n, long exp) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"n\":" + n + ",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8))
                + ".sig";
    }
}
