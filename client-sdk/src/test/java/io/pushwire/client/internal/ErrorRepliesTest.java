package io.pushwire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pushwire.client.PushListener;
import io.pushwire.protocol.Backoff;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Hello;
import io.pushwire.protocol.ProtocolVersion;
import io.pushwire.protocol.Publish;
import io.pushwire.protocol.Refresh;
import io.pushwire.protocol.Subscribe;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What an error frame answers, and what follows: retry, hold back, refresh, a floor for the reconnect. */
class ErrorRepliesTest {
    private static final FrameCodec CODEC = new FrameCodec();
    private final ManualConnection connection = new ManualConnection();
    private final RecordingTransport transport = new RecordingTransport();
    private final FrameSender sender = new FrameSender(CODEC);
    private final List<String> reported = new ArrayList<>();
    private final AtomicInteger asked = new AtomicInteger();
    private final EventThread loop = new EventThread();
    private final ReconnectPlanner planner = new ReconnectPlanner(new Backoff(500, 30_000, 2, new Random(0)),
            Integer.MAX_VALUE, 10_000, true, connection.time::nowMillis);
    private final PublishBuffer publishes = new PublishBuffer(10, sender, connection, loop, connection.time);
    private final TokenRefresher tokens = new TokenRefresher(
            TestConfigs.withToken(null, () -> "token-" + asked.incrementAndGet(), connection.time), "test",
            connection.time, connection, sender, error -> reported.add(error.getMessage()));
    private final SubscriptionTable subscriptions = new SubscriptionTable(sender, connection,
            new SafeListener(new PushListener() { }), new ClientCounters(connection.time),
            error -> reported.add(error.getMessage()));
    private final ErrorReplies replies = new ErrorReplies(connection.time, planner, subscriptions, sender, publishes,
            tokens, error -> reported.add(error.errorCode() + " " + error.getMessage()));

    {
        sender.attach(transport, error -> { });
        connection.connected = true;
    }

    @AfterEach
    void stop() {
        loop.shutdown();
        tokens.shutdown();
    }

    @Test
    void aRefusedRequestIsReportedWithWhatWasRefused() {
        sender.sendRequest(id -> new Hello(id, ProtocolVersion.V1, null, null, null, null));
        sender.sendRequest(id -> new Publish(id, "chat.room1", JsonNodeFactory.instance.objectNode()));
        replies.onError(ErrorFrame.of(2L, ErrorCode.FORBIDDEN, "read only"));
        replies.onError(ErrorFrame.of(1L, ErrorCode.BAD_REQUEST, "bad hello"));
        replies.onError(ErrorFrame.of(null, ErrorCode.RESUME_FAILED, "new session"));
        assertEquals(List.of("forbidden publish to 'chat.room1' refused: forbidden: read only",
                "bad_request hello refused: bad_request: bad hello",
                "resume_failed resume_failed: new session"), reported);
    }

    @Test
    void rateLimitedHoldsPublishingBackAndSetsAFloorForTheNextReconnect() {
        sender.sendRequest(id -> new Publish(id, "chat.room1", JsonNodeFactory.instance.objectNode()));
        transport.written.clear();
        replies.onError(new ErrorFrame(1L, ErrorCode.RATE_LIMITED, "over 50/s", true, 8_000L));
        assertEquals(List.of("rate_limited publish to 'chat.room1' refused: rate_limited: over 50/s"), reported);
        publishes.add(publishes.reserve("chat.room1", JsonNodeFactory.instance.objectNode()));
        connection.runQueued();
        assertEquals(List.of(), transport.written, "held back");
        assertTrue(planner.lost(1006).delayMillis() >= 8_000, "the reconnect waits for retryAfterMs too");
    }

    @Test
    void aRateLimitedRefreshIsSentAgainWithoutBotheringTheApplication() throws Exception {
        tokens.fetch(() -> { }, failure -> { });
        connection.runNext();
        tokens.refreshNow();
        connection.runNext();
        assertEquals(1, transport.frames().size());
        Refresh refresh = (Refresh) transport.frames().get(0);
        transport.written.clear();
        replies.onError(new ErrorFrame(refresh.id(), ErrorCode.RATE_LIMITED, "slow down", true, 1_000L));
        connection.time.advance(1_000);
        assertEquals(List.of(new Refresh(2L, refresh.token())), transport.frames());
        assertEquals(List.of(), reported);
    }

    @Test
    void tokenExpiredAsksForANewTokenAtOnce() throws Exception {
        tokens.fetch(() -> { }, failure -> { });
        connection.runNext();
        replies.onError(ErrorFrame.of(null, ErrorCode.TOKEN_EXPIRED, "refresh within 10 s"));
        connection.runNext();
        assertEquals(List.of(new Refresh(1L, "token-2")), transport.frames());
        assertEquals(List.of("token_expired token_expired: refresh within 10 s"), reported);
    }

    @Test
    void aRefusedSubscribeIsTheTablesAndNotReportedHere() {
        subscriptions.subscribe("sim.trades.BTC-USDT", event -> { });
        Subscribe subscribe = (Subscribe) transport.frames().get(0);
        replies.onError(ErrorFrame.of(subscribe.id(), ErrorCode.UNKNOWN_CHANNEL, "no channel"));
        assertEquals(List.of(), reported);
    }

}
