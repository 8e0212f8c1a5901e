package io.pushwire.server.core;

import io.pushwire.protocol.Subscribe;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client's session: its identity, its resume secret and its subscriptions. It receives channel
 * events as a {@link Subscriber} and hands them to the connection it is attached to.
 */
final class Session implements Subscriber {
    private final String clientId;
    private final String resumeToken;
    private final Map<String, Channel> subscriptions = new ConcurrentHashMap<>();
    /** The attached connection's queue; {@code null} once detached. */
    private volatile Outbound outbound;
    private volatile boolean detached;

    Session(String clientId, String resumeToken) {
        this.clientId = clientId;
        this.resumeToken = resumeToken;
    }

    String clientId() {
        return clientId;
    }

    String resumeToken() {
        return resumeToken;
    }

    void attach(Outbound outbound) {
        this.outbound = outbound;
    }

    @Override
    public void offer(String encodedFrame) {
        Outbound target = outbound;
        if (target != null) {
            target.enqueue(encodedFrame);
        }
    }

    void subscribe(Channel channel, Subscribe request) {
        Channel previous = subscriptions.put(channel.name(), channel);
        try {
            channel.subscribe(this, request);
        } catch (RuntimeException refused) {
            if (previous == null) {
                subscriptions.remove(channel.name(), channel);
            }
            throw refused;
        }
        if (detached) {
            // Lost a race with detach(), which may have walked the subscriptions before this one joined.
            channel.unsubscribe(this);
        }
    }

    void unsubscribe(String channelName) {
        Channel channel = subscriptions.remove(channelName);
        if (channel != null) {
            channel.unsubscribe(this);
        }
    }

    Set<String> channels() {
        return Set.copyOf(subscriptions.keySet());
    }

    /** Leaves every channel and stops delivery. */
    void detach() {
        detached = true;
        outbound = null;
        for (String name : subscriptions.keySet()) {
            unsubscribe(name);
        }
    }
}
