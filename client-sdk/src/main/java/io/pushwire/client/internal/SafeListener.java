package io.pushwire.client.internal;

import io.pushwire.client.ClientState;
import io.pushwire.client.PushClientException;
import io.pushwire.client.PushListener;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.Status;
import io.pushwire.protocol.Welcome;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * The application's {@link PushListener} as the client calls it: a callback that throws is logged, never
 * allowed to break the client. Called on the event thread only, like the listener it wraps.
 */
final class SafeListener implements PushListener {
    private static final Logger LOG = System.getLogger(SafeListener.class.getName());

    private final PushListener listener;

    SafeListener(PushListener listener) {
        this.listener = listener;
    }

    @Override
    public void onStateChanged(ClientState previous, ClientState current) {
        call(() -> listener.onStateChanged(previous, current));
    }

    @Override
    public void onConnected(Welcome welcome) {
        call(() -> listener.onConnected(welcome));
    }

    @Override
    public void onDisconnected(int closeCode, String reason) {
        call(() -> listener.onDisconnected(closeCode, reason));
    }

    @Override
    public void onReconnecting(int attempt, Duration delay) {
        call(() -> listener.onReconnecting(attempt, delay));
    }

    @Override
    public void onStopped(PushClientException reason) {
        call(() -> listener.onStopped(reason));
    }

    @Override
    public void onGap(Gap gap) {
        call(() -> listener.onGap(gap));
    }

    @Override
    public void onStatus(Status status) {
        call(() -> listener.onStatus(status));
    }

    @Override
    public void onSubscriptionFailed(String channel, PushClientException error) {
        call(() -> listener.onSubscriptionFailed(channel, error));
    }

    @Override
    public void onError(PushClientException error) {
        call(() -> listener.onError(error));
    }

    private static void call(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "PushListener threw", e);
        }
    }
}
