package io.pushwire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pushwire.client.ClientState;
import io.pushwire.client.PushClientException;
import io.pushwire.client.PushListener;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.Unsubscribe;
import io.pushwire.protocol.Unsubscribed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The subscriptions the client keeps across connections: what is sent when, what a resumed session is
 * trusted to restore, and what a refusal does. The test's thread plays the event thread.
 */
class SubscriptionTableTest {
    private static final FrameCodec CODEC = new FrameCodec();
    private static final String TRADES = "sim.trades.BTC-USDT";
    private static final String TICKER = "sim.ticker.ETH-USDT";

    private final ManualConnection connection = new ManualConnection();
    private final RecordingTransport transport = new RecordingTransport();
    private final FrameSender sender = new FrameSender(CODEC);
    private final ClientCounters counters = new ClientCounters(connection.time);
    private final List<String> heard = new ArrayList<>();
    private final List<PushClientException> errors = new ArrayList<>();
    private final List<String> delivered = new ArrayList<>();
    private final SubscriptionTable table = new SubscriptionTable(sender, connection, new PushListener() {
        @Override
        public void onGap(Gap gap) {
            heard.add("gap " + gap.fromSeq() + ".." + gap.toSeq());
        }

        @Override
        public void onSubscriptionFailed(String channel, PushClientException error) {
            heard.add("failed " + channel + " " + error.errorCode());
        }
    }, counters, errors::add);

    {
        sender.attach(transport, error -> { });
    }

    @Test
    void aSubscriptionMadeWhileDisconnectedIsSentAfterTheWelcome() {
        CompletableFuture<Subscribed> ready = table.subscribe(TRADES, event -> { });
        assertEquals(List.of(), transport.frames());
        welcome(false);
        Subscribe subscribe = (Subscribe) single(transport.frames());
        assertEquals(TRADES, subscribe.channel());
        assertNull(subscribe.since());
        table.onSubscribed(new Subscribed(subscribe.id(), TRADES, "E1", 7, false, 0));
        assertEquals(7, ready.join().seq());
    }

    @Test
    void aFreshSessionGetsEverySubscriptionAgainFromItsPositionInOneBatch() {
        connection.connected = true;
        confirm(TRADES, "E1", 10);
        confirm(TICKER, "T1", 0);
        table.onEvent(event(TRADES, "E1", 11));
        transport.written.clear();
        table.connectionEnded();
        welcome(false);
        assertEquals(1, transport.written.size(), "one batch message");
        List<Frame> frames = transport.frames();
        assertEquals(new Position(11, "E1"), ((Subscribe) frames.get(0)).since());
        assertEquals(new Position(0, "T1"), ((Subscribe) frames.get(1)).since());
        assertEquals(Map.of(TRADES, new Position(11, "E1"), TICKER, new Position(0, "T1")), table.positions());
    }

    @Test
    void aResumedSessionIsTrustedWithWhatItConfirmedButSubscribedAgainAfterTheRestoreTimeout() {
        connection.connected = true;
        confirm(TRADES, "E1", 5);
        table.connectionEnded();
        connection.connected = false;
        table.subscribe(TICKER, event -> { }); // made while disconnected: the session cannot know it
        transport.written.clear();

        welcome(true);
        assertEquals(List.of(TICKER), channels(transport.frames()));
        transport.written.clear();
        connection.time.advance(SubscriptionTable.RESTORE_TIMEOUT_MS - 1);
        assertEquals(List.of(), transport.frames());
        connection.time.advance(1);
        Subscribe again = (Subscribe) single(transport.frames());
        assertEquals(TRADES, again.channel());
        assertEquals(new Position(5, "E1"), again.since());
    }

    @Test
    void aRestoredSubscriptionStopsTheRestoreTimerFromSubscribingIt() {
        connection.connected = true;
        confirm(TRADES, "E1", 5);
        table.connectionEnded();
        transport.written.clear();
        welcome(true);
        table.onSubscribed(new Subscribed(null, TRADES, "E1", 5, true, 0));
        connection.time.advance(SubscriptionTable.RESTORE_TIMEOUT_MS);
        assertEquals(List.of(), transport.frames());
    }

    @Test
    void aChannelUnsubscribedWhileDisconnectedIsUnsubscribedWhenTheSessionRestoresIt() {
        connection.connected = true;
        confirm(TRADES, "E1", 0);
        table.connectionEnded();
        connection.connected = false;
        assertTrue(table.unsubscribe(TRADES).isDone(), "nobody to tell now");
        assertNull(table.positions());
        transport.written.clear();
        welcome(true);
        table.onSubscribed(new Subscribed(null, TRADES, "E1", 3, true, 0));
        Unsubscribe unsubscribe = (Unsubscribe) single(transport.frames());
        assertEquals(TRADES, unsubscribe.channel());
        table.onEvent(event(TRADES, "E1", 4));
        assertEquals(List.of(), delivered);
    }

    @Test
    void unsubscribingWhileConnectedWaitsForTheServer() {
        connection.connected = true;
        confirm(TRADES, "E1", 0);
        transport.written.clear();
        CompletableFuture<Void> done = table.unsubscribe(TRADES);
        Unsubscribe unsubscribe = (Unsubscribe) single(transport.frames());
        assertFalse(done.isDone());
        table.onUnsubscribed(new Unsubscribed(unsubscribe.id(), TRADES));
        assertTrue(done.isDone());
    }

    @Test
    void unsubscribesInFlightAreDoneWhenTheConnectionIsLostAndFailedWhenTheClientCloses() {
        connection.connected = true;
        confirm(TRADES, "E1", 0);
        confirm(TICKER, "T1", 0);
        CompletableFuture<Void> lost = table.unsubscribe(TRADES);
        table.completeUnsubscribes();
        assertTrue(lost.isDone() && !lost.isCompletedExceptionally());
        CompletableFuture<Void> closed = table.unsubscribe(TICKER);
        table.failUnsubscribes(Failures.closed());
        assertThrows(CompletionException.class, closed::join);
    }

    @Test
    void aNewHandlerForTheSameChannelKeepsThePositionAndFailsTheOldFuture() {
        CompletableFuture<Subscribed> first = table.subscribe(TRADES, event -> delivered.add("first " + event.seq()));
        table.subscribe(TRADES, event -> delivered.add("second " + event.seq()));
        PushClientException replaced = assertInstanceOf(PushClientException.class,
                assertThrows(CompletionException.class, first::join).getCause());
        assertEquals("replaced by a newer subscribe to " + TRADES, replaced.getMessage());
        table.onSubscribed(new Subscribed(null, TRADES, "E1", 0, false, 0));
        table.onEvent(event(TRADES, "E1", 1));
        assertEquals(List.of("second 1"), delivered);
    }

    @Test
    void eventsAndGapsGoThroughThePositionAndAreCounted() {
        connection.connected = true;
        confirm(TRADES, "E1", 0);
        table.onEvent(event(TRADES, "E1", 1));
        table.onEvent(event(TRADES, "E1", 1));
        table.onGap(new Gap(TRADES, 2, 4, GapReason.HISTORY_EXPIRED));
        table.onGap(new Gap(TRADES, 2, 4, GapReason.HISTORY_EXPIRED));
        table.onEvent(event("not.subscribed", "X", 1));
        assertEquals(List.of(TRADES + " 1"), delivered);
        assertEquals(List.of("gap 2..4"), heard);
        var stats = counters.snapshot(ClientState.CONNECTED, 0);
        assertEquals(1, stats.eventsReceived());
        assertEquals(1, stats.duplicatesDropped());
        assertEquals(1, stats.gaps());
    }

    @Test
    void aHandlerThatThrowsIsReportedAndDeliveryGoesOn() {
        connection.connected = true;
        CompletableFuture<Subscribed> ready = table.subscribe(TRADES, event -> {
            throw new IllegalStateException("boom");
        });
        table.onSubscribed(new Subscribed(((Subscribe) single(transport.frames())).id(), TRADES, "E1", 0, false, 0));
        assertTrue(ready.isDone());
        table.onEvent(event(TRADES, "E1", 1));
        assertEquals("handler of '" + TRADES + "' threw on seq 1", single(errors).getMessage());
    }

    @Test
    void aRateLimitedSubscribeIsSentAgainAfterRetryAfter() {
        connection.connected = true;
        table.subscribe(TRADES, event -> { });
        Subscribe first = (Subscribe) single(transport.frames());
        transport.written.clear();
        assertTrue(table.onError(new ErrorFrame(first.id(), ErrorCode.RATE_LIMITED, "slow down", true, 1_000L), true,
                1_000));
        connection.time.advance(999);
        assertEquals(List.of(), transport.frames());
        connection.time.advance(1);
        assertEquals(List.of(TRADES), channels(transport.frames()));
    }

    @Test
    void aPositionTheServerCannotServeIsForgottenAndTheChannelSubscribedFromTheHead() {
        connection.connected = true;
        confirm(TRADES, "E1", 5);
        table.connectionEnded();
        transport.written.clear();
        welcome(false);
        Subscribe withSince = (Subscribe) single(transport.frames());
        transport.written.clear();
        assertTrue(table.onError(ErrorFrame.of(withSince.id(), ErrorCode.BAD_REQUEST, "ahead of head"), false, -1));
        assertEquals("subscribe to '" + TRADES + "' with since " + withSince.since()
                + " refused (ahead of head); subscribing from the head", single(errors).getMessage());
        assertNull(((Subscribe) single(transport.frames())).since());
    }

    @Test
    void aRefusedFirstSubscribeFailsItsFutureAndARefusedRestoreTellsTheListener() {
        connection.connected = true;
        CompletableFuture<Subscribed> ready = table.subscribe(TRADES, event -> { });
        Subscribe first = (Subscribe) single(transport.frames());
        table.onError(ErrorFrame.of(first.id(), ErrorCode.UNKNOWN_CHANNEL, "no channel"), false, -1);
        assertEquals(ErrorCode.UNKNOWN_CHANNEL, assertInstanceOf(PushClientException.class,
                assertThrows(CompletionException.class, ready::join).getCause()).errorCode());
        assertEquals(List.of(), heard);

        confirm(TICKER, "T1", 0);
        table.connectionEnded();
        transport.written.clear();
        welcome(false);
        Subscribe again = (Subscribe) single(transport.frames());
        table.onError(ErrorFrame.of(again.id(), ErrorCode.FORBIDDEN, "not any more"), false, -1);
        assertEquals(List.of("failed " + TICKER + " forbidden"), heard);
        assertNull(table.positions(), "dropped");
        assertEquals(ErrorCode.FORBIDDEN, counters.snapshot(ClientState.CONNECTED, 0).lastError().errorCode());
    }

    @Test
    void anErrorForAnotherRequestIsLeftToTheCaller() {
        assertFalse(table.onError(ErrorFrame.of(99L, ErrorCode.FORBIDDEN, "publish refused"), false, -1));
        assertFalse(table.onError(ErrorFrame.of(null, ErrorCode.RESUME_FAILED, "new session"), false, -1));
    }

    @Test
    void waitingSubscribesFailWhenNoConnectionWillComeButTheSubscriptionsStay() {
        CompletableFuture<Subscribed> ready = table.subscribe(TRADES, event -> { });
        table.failWaiting(new PushClientException("stopped", null, 4403, null));
        assertThrows(CompletionException.class, ready::join);
        welcome(false);
        assertEquals(List.of(TRADES), channels(transport.frames()));
    }

    @Test
    void theEndOfAConnectionCancelsTheRestoreTimer() {
        connection.connected = true;
        confirm(TRADES, "E1", 5);
        table.connectionEnded();
        welcome(true);
        table.connectionEnded();
        assertEquals(List.of(), connection.time.pendingDelays());
    }

    /** Subscribes while connected and confirms it at {@code head}. */
    private void confirm(String channel, String epoch, long head) {
        table.subscribe(channel, event -> delivered.add(event.channel() + " " + event.seq()));
        List<Frame> frames = transport.frames();
        Subscribe subscribe = (Subscribe) frames.get(frames.size() - 1);
        table.onSubscribed(new Subscribed(subscribe.id(), channel, epoch, head, false, 0));
    }

    private void welcome(boolean resumed) {
        connection.connected = true;
        table.restore(resumed);
    }

    private static List<String> channels(List<Frame> frames) {
        List<String> channels = new ArrayList<>();
        frames.forEach(frame -> channels.add(((Subscribe) frame).channel()));
        return channels;
    }

    private static <T> T single(List<T> items) {
        assertEquals(1, items.size(), items.toString());
        return items.get(0);
    }

    private static Event event(String channel, String epoch, long seq) {
        return new Event(channel, seq, epoch, 0, JsonNodeFactory.instance.objectNode().put("n", seq));
    }
}
