package io.pushwire.client;

import io.pushwire.protocol.Gap;
import io.pushwire.protocol.Status;
import io.pushwire.protocol.Welcome;
import java.time.Duration;

/**
 * Connection-level callbacks of a {@link PushClient}. Every method has a no-op default; override what
 * you need. All are called on the client's event thread (named {@code pushwire-client-N}), in order,
 * never concurrently, and interleaved with event handlers in wire order. Do not block in them: the
 * client reads nothing while a callback runs.
 *
 * <p>A lost connection is reported as {@code onStateChanged(CONNECTED, CONNECTING)},
 * {@code onDisconnected(code, reason)}, {@code onReconnecting(attempt, delay)}, then, when it is back,
 * {@code onStateChanged(CONNECTING, CONNECTED)} and {@code onConnected(welcome)}. When the client gives
 * up it reports {@code onStateChanged(.., DISCONNECTED)}, {@code onDisconnected}, then
 * {@link #onStopped} once.
 */
public interface PushListener {
    /** The state changed. Called for every transition, before the more specific callbacks. */
    default void onStateChanged(ClientState previous, ClientState current) {
    }

    /**
     * The server accepted the hello. {@code welcome.resumed()} says whether the session (subscriptions,
     * positions) was kept; the client restores subscriptions itself either way.
     */
    default void onConnected(Welcome welcome) {
    }

    /**
     * A connection, or an attempt to open one, ended, with the WebSocket close code and reason: the
     * server's, 1006 when it broke without one (or could not be opened), or 4000 when the client's own
     * heartbeat watchdog heard nothing for the server's interval + timeout.
     */
    default void onDisconnected(int closeCode, String reason) {
    }

    /**
     * The client will try to connect again after {@code delay}. {@code attempt} counts reconnect attempts
     * since the last stable connection, from 1.
     */
    default void onReconnecting(int attempt, Duration delay) {
    }

    /**
     * The client stopped reconnecting by itself and is {@link ClientState#DISCONNECTED}: a terminal close
     * code (4400-4499 but 4429, 4003 session taken over, 1009), a refused token, or the reconnect limit.
     * {@link PushClientException#closeCode()} holds the last close code. Subscriptions are kept; after
     * fixing the cause the application may call {@link PushClient#connect()} again.
     */
    default void onStopped(PushClientException reason) {
    }

    /** The server announced events this client will not receive (never repeated for the same seqs). */
    default void onGap(Gap gap) {
    }

    /** The upstream health of a channel changed. */
    default void onStatus(Status status) {
    }

    /**
     * The server refused a subscription the client was restoring after a reconnect (for example
     * {@code forbidden} after the token changed). The subscription is dropped. A refusal of the first
     * subscribe is reported by the future {@link PushClient#subscribe} returned instead.
     */
    default void onSubscriptionFailed(String channel, PushClientException error) {
    }

    /**
     * Something went wrong that is not the answer to one call: an {@code error} frame without a request
     * id (such as {@code resume_failed}), a refused publish, a server message that could not be decoded,
     * a token supplier that failed, or an exception thrown by a handler.
     */
    default void onError(PushClientException error) {
    }
}
