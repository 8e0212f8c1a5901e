package io.pushwire.it.exchange;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A fake exchange's state for one connection: what it is subscribed to and when the fake last sent it
 * anything. Exchanges extend it with their own protocol state (outstanding pings, connection ids).
 * Subscriptions keep their order because Binance lists them back in the order they were made.
 */
class ExchangeSession {
    final FakeWebSocketServer.Connection connection;
    private final Set<String> subscriptions = new LinkedHashSet<>();
    private boolean everSubscribed;
    private volatile long lastSentNanos = System.nanoTime();

    ExchangeSession(FakeWebSocketServer.Connection connection) {
        this.connection = connection;
    }

    int id() {
        return connection.id();
    }

    synchronized boolean subscribe(String key) {
        everSubscribed = true;
        return subscriptions.add(key);
    }

    synchronized boolean unsubscribe(String key) {
        return subscriptions.remove(key);
    }

    synchronized boolean isSubscribed(String key) {
        return subscriptions.contains(key);
    }

    synchronized int subscriptionCount() {
        return subscriptions.size();
    }

    synchronized boolean everSubscribed() {
        return everSubscribed;
    }

    synchronized List<String> subscriptions() {
        return List.copyOf(subscriptions);
    }

    /** Sends a text message; false when the connection no longer takes any. */
    boolean send(String text) {
        boolean sent = connection.sendText(text);
        if (sent) {
            lastSentNanos = System.nanoTime();
        }
        return sent;
    }

    /** {@link System#nanoTime()} of the last message the fake sent on this connection (its opening at first). */
    long lastSentNanos() {
        return lastSentNanos;
    }

    /** Whether timers and publishers should leave this connection alone (closing, gone or blackholed). */
    boolean inactive() {
        return !connection.isOpen() || connection.isClosing() || connection.isBlackholed();
    }
}
