package io.pushwire.client;

import io.pushwire.protocol.Event;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.Status;
import io.pushwire.protocol.Welcome;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records every callback, with the thread it ran on, as one line of text; tests take lines in order and
 * finish with {@link #assertNoMore()}, so an unexpected callback fails the test.
 */
final class RecordingListener implements PushListener {
    private final BlockingQueue<String> calls = new LinkedBlockingQueue<>();

    EventHandler handler() {
        return (Event event) -> record("event " + event.channel() + " " + event.seq());
    }

    @Override
    public void onStateChanged(ClientState previous, ClientState current) {
        record("state " + previous + "->" + current);
    }

    @Override
    public void onConnected(Welcome welcome) {
        record("connected " + welcome.clientId());
    }

    @Override
    public void onDisconnected(int closeCode, String reason) {
        record("disconnected " + closeCode);
    }

    @Override
    public void onReconnecting(int attempt, Duration delay) {
        record("reconnecting " + attempt + " in " + delay.toMillis() + "ms");
    }

    @Override
    public void onStopped(PushClientException reason) {
        record("stopped " + reason.closeCode() + " " + reason.getMessage());
    }

    @Override
    public void onSubscriptionFailed(String channel, PushClientException error) {
        record("subscription failed " + channel + " " + error.errorCode());
    }

    @Override
    public void onGap(Gap gap) {
        record("gap " + gap.channel() + " " + gap.fromSeq() + ".." + gap.toSeq() + " " + gap.reason());
    }

    @Override
    public void onStatus(Status status) {
        record("status " + status.channel() + " stale=" + status.stale());
    }

    @Override
    public void onError(PushClientException error) {
        record("error " + error.errorCode() + " " + error.getMessage());
    }

    private void record(String call) {
        String thread = Thread.currentThread().getName();
        // The event thread only: not the caller's, not the token supplier's (pushwire-client-N-token-M).
        calls.add(thread.matches("pushwire-client-\\d+") ? call : call + " [WRONG THREAD " + thread + "]");
    }

    String next() throws InterruptedException {
        String call = calls.poll(5, TimeUnit.SECONDS);
        if (call == null) {
            throw new AssertionError("expected another callback");
        }
        return call;
    }

    /** Takes the next callback and checks it starts with {@code prefix}; returns it. */
    String nextStartingWith(String prefix) throws InterruptedException {
        String call = next();
        if (!call.startsWith(prefix)) {
            throw new AssertionError("expected a callback starting with '" + prefix + "', got: " + call);
        }
        return call;
    }

    void assertNoMore() throws InterruptedException {
        String call = calls.poll(100, TimeUnit.MILLISECONDS);
        if (call != null) {
            throw new AssertionError("unexpected callback: " + call);
        }
    }
}
