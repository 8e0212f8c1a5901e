package io.pushwire.client.internal;

import io.pushwire.client.EventHandler;
import io.pushwire.client.PushClientException;
import io.pushwire.client.PushListener;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.Subscribe;
import io.pushwire.protocol.Subscribed;
import io.pushwire.protocol.Unsubscribe;
import io.pushwire.protocol.Unsubscribed;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The channels the application subscribed to, each with its position ({@link ChannelSubscription}), and
 * what the server's session is known to hold. Subscriptions belong to the client, not to a connection:
 * they outlive it, and their positions go into the next {@code hello}.
 *
 * <p>After a {@code welcome} with {@code resumed:true} the server restores what it had confirmed; the
 * table sends {@code subscribe} (with {@code since} = its position) only for the others, and again for any
 * confirmed channel the server has not restored within {@link #RESTORE_TIMEOUT_MS}. After
 * {@code resumed:false} it sends all of them. Events and gaps go through each channel's position, so the
 * application sees each event once, in order, and each lost seq once.
 *
 * <p>Event thread only: no locks. Timers go through {@link CurrentConnection} and so end with the
 * connection they were set for.
 */
final class SubscriptionTable {
    private static final Logger LOG = System.getLogger(SubscriptionTable.class.getName());
    /** How long after a resume the client waits for the server to confirm a restored subscription. */
    static final long RESTORE_TIMEOUT_MS = 5_000;

    private record PendingSubscribe(ChannelSubscription subscription, Subscribe frame) {
    }

    private record PendingUnsubscribe(String channel, CompletableFuture<Void> done) {
    }

    private final FrameSender sender;
    private final CurrentConnection connection;
    private final PushListener listener;
    private final ClientCounters counters;
    /** Reports a failure to the application (onError) and records it as the last error. */
    private final Consumer<PushClientException> errors;

    /** In the order the application subscribed: the order of re-subscribing and of hello positions. */
    private final Map<String, ChannelSubscription> channels = new LinkedHashMap<>();
    /** Channels the server's session has confirmed (subscribed reply seen, not unsubscribed since). */
    private final Set<String> confirmed = new HashSet<>();
    /** After a resume: confirmed channels whose restoring {@code subscribed} has not arrived yet. */
    private final Set<String> awaitingRestore = new HashSet<>();
    private final Map<Long, PendingSubscribe> subscribeRequests = new HashMap<>();
    private final Map<Long, PendingUnsubscribe> unsubscribeRequests = new HashMap<>();
    private Scheduler.Cancellable restoreTimer;

    /** {@code listener} must not throw: the client passes its {@link SafeListener}. */
    SubscriptionTable(FrameSender sender, CurrentConnection connection, PushListener listener,
                      ClientCounters counters, Consumer<PushClientException> errors) {
        this.sender = sender;
        this.connection = connection;
        this.listener = listener;
        this.counters = counters;
        this.errors = errors;
    }

    /**
     * Subscribes, or gives a subscribed channel a new handler (keeping its position, so the switch loses
     * and repeats nothing). Sent at once when connected, else after the next welcome. Completes with the
     * first {@code subscribed}.
     */
    CompletableFuture<Subscribed> subscribe(String channel, EventHandler handler) {
        ChannelSubscription existing = channels.get(channel);
        ChannelSubscription subscription;
        if (existing != null) {
            existing.ready().completeExceptionally(new PushClientException(
                    "replaced by a newer subscribe to " + channel, null, 0, null));
            subscription = new ChannelSubscription(existing, handler);
        } else {
            subscription = new ChannelSubscription(channel, handler);
        }
        channels.put(channel, subscription);
        if (connection.isConnected()) {
            sendSubscribes(List.of(subscription));
        }
        return subscription.ready();
    }

    /** Forgets the channel at once; when connected, completes when the server confirms. */
    CompletableFuture<Void> unsubscribe(String channel) {
        ChannelSubscription removed = channels.remove(channel);
        confirmed.remove(channel);
        awaitingRestore.remove(channel);
        if (removed != null) {
            removed.ready().completeExceptionally(new PushClientException(
                    "unsubscribed from " + channel + " before the server confirmed it", null, 0, null));
        }
        if (removed == null || !connection.isConnected()) {
            // Disconnected: a resumed session may still hold it; its restoring subscribed is answered
            // with an unsubscribe then (see onSubscribed).
            return CompletableFuture.completedFuture(null);
        }
        return sendUnsubscribe(channel);
    }

    /** The positions a resuming {@code hello} carries, or null when no channel has one yet. */
    Map<String, Position> positions() {
        Map<String, Position> positions = new LinkedHashMap<>();
        for (ChannelSubscription subscription : channels.values()) {
            Position position = subscription.position();
            if (position != null) {
                positions.put(subscription.channel(), position);
            }
        }
        return positions.isEmpty() ? null : positions;
    }

    /** A welcome arrived: subscribe what the server's session does not hold (everything unless resumed). */
    void restore(boolean resumed) {
        List<ChannelSubscription> toSend = new ArrayList<>();
        awaitingRestore.clear();
        if (resumed) {
            for (ChannelSubscription subscription : channels.values()) {
                if (confirmed.contains(subscription.channel())) {
                    awaitingRestore.add(subscription.channel());
                } else {
                    toSend.add(subscription);
                }
            }
            if (!awaitingRestore.isEmpty()) {
                restoreTimer = connection.schedule(RESTORE_TIMEOUT_MS, this::resubscribeUnrestored);
            }
        } else {
            confirmed.clear();
            toSend.addAll(channels.values());
        }
        sendSubscribes(toSend);
    }

    void onSubscribed(Subscribed subscribed) {
        PendingSubscribe request = subscribed.id() == null ? null : subscribeRequests.remove(subscribed.id());
        ChannelSubscription subscription = channels.get(subscribed.channel());
        awaitingRestore.remove(subscribed.channel());
        if (subscription == null) {
            if (request == null) {
                // Restored by a resumed session, but the application unsubscribed meanwhile.
                sendUnsubscribe(subscribed.channel());
            }
            return;
        }
        confirmed.add(subscribed.channel());
        subscription.onSubscribed(subscribed);
    }

    void onUnsubscribed(Unsubscribed unsubscribed) {
        PendingUnsubscribe pending = unsubscribed.id() == null ? null : unsubscribeRequests.remove(unsubscribed.id());
        if (pending != null) {
            pending.done().complete(null);
        }
    }

    /** Hands the event to its channel's handler unless the application has it already. */
    void onEvent(Event event) {
        ChannelSubscription subscription = channels.get(event.channel());
        if (subscription == null) {
            return; // in flight when the application unsubscribed
        }
        if (subscription.offer(event) != ChannelSubscription.Offer.DELIVER) {
            counters.duplicateDropped();
            return;
        }
        counters.eventDelivered();
        try {
            subscription.handler().onEvent(event);
        } catch (RuntimeException e) {
            errors.accept(new PushClientException("handler of '" + event.channel() + "' threw on seq " + event.seq(),
                    null, 0, e));
        }
    }

    /** Tells the listener what of the gap the application has not been told yet. */
    void onGap(Gap gap) {
        ChannelSubscription subscription = channels.get(gap.channel());
        if (subscription == null) {
            return;
        }
        Gap news = subscription.onGap(gap);
        if (news != null) {
            counters.gapDelivered();
            listener.onGap(news);
        }
    }

    /**
     * An error reply: handled here when it answers a subscribe or an unsubscribe (true), else left to the
     * caller (false). A rate-limited one was not processed and is sent again after {@code retryAfter}.
     */
    boolean onError(ErrorFrame error, boolean rateLimited, long retryAfter) {
        Long id = error.id();
        PendingSubscribe subscribe = id == null ? null : subscribeRequests.remove(id);
        if (subscribe != null) {
            onSubscribeRefused(subscribe, error, rateLimited, retryAfter);
            return true;
        }
        PendingUnsubscribe unsubscribe = id == null ? null : unsubscribeRequests.remove(id);
        if (unsubscribe == null) {
            return false;
        }
        if (rateLimited) {
            // Locally the channel is gone already; ask the server again when it accepts frames.
            unsubscribe.done().complete(null);
            connection.schedule(Math.max(0, retryAfter), () -> {
                if (!channels.containsKey(unsubscribe.channel())) {
                    sendUnsubscribe(unsubscribe.channel());
                }
            });
        } else {
            unsubscribe.done().completeExceptionally(PushClientException.fromServer(error));
        }
        return true;
    }

    /** The connection ended: its requests will not be answered, and nothing is being restored. */
    void connectionEnded() {
        if (restoreTimer != null) {
            restoreTimer.cancel();
            restoreTimer = null;
        }
        subscribeRequests.clear();
        awaitingRestore.clear();
    }

    /**
     * Completes the unsubscribes the ended connection did not confirm: locally the channel is gone, and a
     * resumed session that still holds it is told again on restore.
     */
    void completeUnsubscribes() {
        unsubscribeRequests.values().forEach(pending -> pending.done().complete(null));
        unsubscribeRequests.clear();
    }

    /** Fails the unsubscribes not confirmed yet: the client closed. */
    void failUnsubscribes(PushClientException cause) {
        unsubscribeRequests.values().forEach(pending -> pending.done().completeExceptionally(cause));
        unsubscribeRequests.clear();
    }

    /** Fails the subscribes not confirmed yet: no connection will come. The subscriptions are kept. */
    void failWaiting(PushClientException cause) {
        channels.values().forEach(subscription -> subscription.ready().completeExceptionally(cause));
    }

    private void resubscribeUnrestored() {
        List<ChannelSubscription> missing = new ArrayList<>();
        for (String channel : awaitingRestore) {
            ChannelSubscription subscription = channels.get(channel);
            if (subscription != null) {
                missing.add(subscription);
            }
        }
        awaitingRestore.clear();
        if (!missing.isEmpty()) {
            LOG.log(Level.INFO, "server did not restore {0} subscription(s) within {1} ms of resuming; subscribing again",
                    missing.size(), RESTORE_TIMEOUT_MS);
            sendSubscribes(missing);
        }
    }

    private void onSubscribeRefused(PendingSubscribe pending, ErrorFrame error, boolean rateLimited, long retryAfter) {
        ChannelSubscription subscription = pending.subscription();
        String channel = subscription.channel();
        if (channels.get(channel) != subscription) {
            return; // replaced or unsubscribed meanwhile
        }
        if (rateLimited) {
            // Not processed: ask again when the server said it will accept it.
            connection.schedule(Math.max(0, retryAfter), () -> {
                if (channels.get(channel) == subscription) {
                    sendSubscribes(List.of(subscription));
                }
            });
            return;
        }
        if (ErrorCode.BAD_REQUEST.equals(error.code()) && pending.frame().since() != null) {
            // The server cannot serve our position (e.g. ahead of its head): start again from the head.
            errors.accept(PushClientException.fromServer("subscribe to '" + channel + "' with since "
                    + pending.frame().since() + " refused (" + error.message() + "); subscribing from the head", error));
            subscription.forgetPosition();
            sendSubscribes(List.of(subscription));
            return;
        }
        channels.remove(channel);
        confirmed.remove(channel);
        PushClientException refused = PushClientException.fromServer(error);
        counters.error(refused);
        if (!subscription.ready().completeExceptionally(refused)) {
            listener.onSubscriptionFailed(channel, refused);
        }
    }

    private void sendSubscribes(List<ChannelSubscription> toSend) {
        if (toSend.isEmpty()) {
            return;
        }
        List<String> encoded = new ArrayList<>(toSend.size());
        for (ChannelSubscription subscription : toSend) {
            long id = sender.nextRequestId();
            Subscribe subscribe = new Subscribe(id, subscription.channel(), subscription.position(), null, null, null);
            subscribeRequests.put(id, new PendingSubscribe(subscription, subscribe));
            encoded.add(sender.encode(subscribe));
        }
        sender.sendPacked(encoded);
    }

    private CompletableFuture<Void> sendUnsubscribe(String channel) {
        long id = sender.nextRequestId();
        CompletableFuture<Void> done = new CompletableFuture<>();
        unsubscribeRequests.put(id, new PendingUnsubscribe(channel, done));
        sender.send(new Unsubscribe(id, channel));
        return done;
    }
}
