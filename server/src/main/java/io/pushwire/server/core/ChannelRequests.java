package io.pushwire.server.core;

import io.pushwire.protocol.Channels;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.protocol.Publish;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.SubscriptionMode;
import io.pushwire.protocol.Unsubscribe;
import io.pushwire.protocol.Unsubscribed;

/**
 * A session's {@code subscribe}, {@code unsubscribe} and {@code publish}: checked against its permissions
 * and limits, then carried out on the hub. A refusal is a {@link ProtocolException} carrying the request's
 * id. One instance serves every connection; it keeps no state of its own.
 */
final class ChannelRequests {
    /** Longest {@code intervalMs} of a conflated subscription: a minute between updates is already sparse. */
    static final long MAX_CONFLATION_INTERVAL_MS = 60_000;

    private final ConnectionServices services;

    ChannelRequests(ConnectionServices services) {
        this.services = services;
    }

    void subscribe(ClientSession session, Subscribe subscribe) {
        authorize(session, subscribe);
        String name = subscribe.channel();
        if (Channels.ME.equals(name)) {
            ChannelRoute inbox = session.inbox();
            // A private inbox: without since, everything it still holds is yours, not only what comes next.
            session.subscribe(inbox, subscribe.since() != null ? subscribe : new Subscribe(subscribe.id(), name,
                    new Position(0, services.hub().epoch(inbox.key())), subscribe.mode(), subscribe.intervalMs(),
                    subscribe.snapshot()));
            return;
        }
        ChannelRoute route;
        try {
            route = services.hub().route(name).orElseThrow(() -> new ProtocolException(ErrorCode.UNKNOWN_CHANNEL,
                    "no channel '" + name + "' in namespace '" + Hub.namespaceOf(name) + "'", subscribe.id(), null));
            session.subscribe(route, subscribe);
        } catch (ProtocolException refused) {
            throw refused.withRequestId(subscribe.id());
        }
    }

    /** Leaves the channel; the reply goes in the channel's lane, behind its queued events. */
    void unsubscribe(ClientSession session, Outbound outbound, Unsubscribe unsubscribe) {
        String reply = services.codec().encode(new Unsubscribed(unsubscribe.id(), unsubscribe.channel()));
        session.unsubscribe(unsubscribe.channel()).ifPresentOrElse(
                stream -> outbound.enqueueChannelFrame(stream, reply, -1),
                () -> outbound.enqueue(reply));
    }

    /** A client publish, where its permissions allow; the protocol defines no reply. */
    void publish(ClientSession session, Publish publish) {
        Principal principal = session.principal();
        if (!principal.mayPublish(publish.channel())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, principal.subject() == null
                    ? "anonymous sessions are read-only: channel '" + publish.channel() + "' does not accept publish"
                    : "'" + principal.subject() + "' may not publish on '" + publish.channel() + "'", publish.id(), null);
        }
        try {
            services.hub().publishExternal(publish.channel(), publish.data());
        } catch (ProtocolException refused) {
            throw refused.withRequestId(publish.id());
        }
    }

    /** What a subscribe must satisfy before anything is touched: name, mode, permissions, the session's limit. */
    private void authorize(ClientSession session, Subscribe subscribe) {
        String name = subscribe.channel();
        if (name.startsWith("$") && !Channels.ME.equals(name)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "channels starting with '$' are private to their session;"
                    + " yours is " + Channels.ME, subscribe.id(), null);
        }
        if (subscribe.intervalMs() != null) {
            if (subscribe.effectiveMode() != SubscriptionMode.CONFLATE) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "intervalMs applies to mode 'conflate' only",
                        subscribe.id(), null);
            }
            if (subscribe.intervalMs() > MAX_CONFLATION_INTERVAL_MS) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "intervalMs " + subscribe.intervalMs()
                        + " is over the limit of " + MAX_CONFLATION_INTERVAL_MS, subscribe.id(), null);
            }
        }
        Principal principal = session.principal();
        if (!principal.maySubscribe(name)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "'" + principal.subject() + "' may not subscribe to '"
                    + name + "'", subscribe.id(), null);
        }
        int limit = services.config().maxSubscriptions();
        if (!session.isSubscribed(name) && session.subscriptionCount() >= limit) {
            services.counters().limitExceeded();
            throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "this session has " + session.subscriptionCount()
                    + " subscriptions, the limit (pushwire.limits.max-subscriptions) is " + limit
                    + "; unsubscribe from one first", subscribe.id(), null);
        }
    }
}
