package io.pushwire.server.core;

import io.pushwire.protocol.Subscribe;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client's session: its identity, its resume secret, its inbound rate limit and its subscriptions. Its
 * subscriptions hand channel frames to the outbound queue of the connection it is attached to. The rate
 * limit lives here, not on the connection, so that reconnecting does not refill it.
 */
final class Session {
    private final String clientId;
    private final String resumeToken;
    private final InboundLimiter limiter;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    /** The attached connection's queue; {@code null} once detached. */
    private volatile Outbound outbound;
    private volatile boolean detached;

    Session(String clientId, String resumeToken, InboundLimiter limiter) {
        this.clientId = clientId;
        this.resumeToken = resumeToken;
        this.limiter = limiter;
    }

    String clientId() {
        return clientId;
    }

    String resumeToken() {
        return resumeToken;
    }

    /** The session's inbound frame budget. */
    InboundLimiter limiter() {
        return limiter;
    }

    void attach(Outbound outbound) {
        this.outbound = outbound;
    }

    /** Where this session's frames go; {@code null} when detached. */
    Outbound outbound() {
        return outbound;
    }

    /** Subscribes, or re-subscribes with the new request's mode, replacing the old subscription at once. */
    void subscribe(Channel channel, Subscribe request) {
        Subscription fresh = new Subscription(this, channel, request);
        Subscription previous = subscriptions.put(channel.name(), fresh);
        try {
            channel.subscribe(fresh, request, previous);
        } catch (RuntimeException refused) {
            if (previous == null) {
                subscriptions.remove(channel.name(), fresh);
            } else {
                subscriptions.replace(channel.name(), fresh, previous);
            }
            throw refused;
        }
        if (previous != null) {
            previous.cancel();
        }
        if (detached) {
            // Lost a race with detach(), which may have walked the subscriptions before this one joined.
            channel.unsubscribe(fresh);
        }
    }

    /** Leaves a channel; returns the lane its frames used, empty when it was not subscribed. */
    Optional<Priority> unsubscribe(String channelName) {
        Subscription subscription = subscriptions.remove(channelName);
        if (subscription == null) {
            return Optional.empty();
        }
        subscription.channel().unsubscribe(subscription);
        subscription.cancel();
        return Optional.of(subscription.lane());
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
