package io.pushwire.client.internal;

import io.pushwire.client.PushClientException;
import io.pushwire.protocol.Refresh;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The token a connection presents, and keeping it fresh. A fixed token (or none) is simply presented.
 * The application's token supplier is asked before every connection attempt and, when its token is a JWT
 * with an {@code exp}, again {@code tokenRefreshMargin} before it expires (see {@link Tokens}); a new
 * token goes to the server as {@code refresh} on the live connection.
 *
 * <p>Threads: the supplier may block, so it runs on threads of its own ({@code pushwire-client-N-token-M}),
 * never on the event thread; its answer comes back to the event thread through {@link CurrentConnection},
 * which drops it if the connection it was asked for has ended. Everything else, the fields included, is
 * event thread only.
 */
final class TokenRefresher {
    private final String fixedToken;
    private final Supplier<String> supplier;
    private final long marginMs;
    /** Runs the supplier off the event thread; null without a supplier. */
    private final ExecutorService supplierThreads;
    private final Scheduler clock;
    private final CurrentConnection connection;
    private final FrameSender sender;
    /** Reports a failure to the application (onError) and records it as the last error. */
    private final Consumer<PushClientException> errors;

    /** The token the current connection presented, or the newer one it refreshed to. */
    private String current;
    /** The supplier is being asked for a refresh: one question at a time. */
    private boolean refreshing;
    private Scheduler.Cancellable refreshTimer;

    TokenRefresher(ClientConfig config, String threadName, Scheduler clock, CurrentConnection connection,
                   FrameSender sender, Consumer<PushClientException> errors) {
        this.fixedToken = config.token();
        this.supplier = config.tokenSupplier();
        this.marginMs = config.tokenRefreshMargin().toMillis();
        this.clock = clock;
        this.connection = connection;
        this.sender = sender;
        this.errors = errors;
        if (supplier != null) {
            AtomicInteger threads = new AtomicInteger();
            this.supplierThreads = Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, threadName + "-token-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        } else {
            this.supplierThreads = null;
        }
    }

    /**
     * Gets the token for a new connection attempt, then runs {@code ready} ({@link #current()} holds it):
     * at once for a fixed token or none; with a supplier, once it answered, on the event thread and only
     * if the attempt is still current. A supplier that fails is reported, and {@code failed} is told why.
     */
    void fetch(Runnable ready, Consumer<PushClientException> failed) {
        if (supplier == null) {
            current = fixedToken;
            ready.run();
            return;
        }
        ask((value, error) -> {
            if (error != null) {
                failed.accept(supplierFailed(error));
            } else {
                current = value;
                ready.run();
            }
        });
    }

    /** The token to present in {@code hello}, or null for none. */
    String current() {
        return current;
    }

    /** The welcome arrived: refresh before the token expires. */
    void connected() {
        scheduleRefresh();
    }

    /** Asks the supplier for a token now (the server said {@code token_expired}); sends it if it is new. */
    void refreshNow() {
        if (!connection.isConnected() || supplier == null || refreshing) {
            return;
        }
        refreshing = true;
        ask((value, error) -> {
            refreshing = false;
            if (error != null) {
                supplierFailed(error);
            } else if (value != null && !value.equals(current)) {
                current = value;
                send(value);
            }
            // Same token, or no token: look again later (at the latest at half the remaining lifetime).
            scheduleRefresh();
        });
    }

    /** The server refused a refresh as rate limited: send it again after {@code delayMs}, if still current. */
    void retry(Refresh refused, long delayMs) {
        connection.schedule(delayMs, () -> send(refused.token()));
    }

    /** The connection ended: a refresh timer or question of its own is void. */
    void connectionEnded() {
        if (refreshTimer != null) {
            refreshTimer.cancel();
            refreshTimer = null;
        }
        refreshing = false;
    }

    /** The client closed: stop the supplier's threads (interrupting a supplier that blocks). */
    void shutdown() {
        if (supplierThreads != null) {
            supplierThreads.shutdownNow();
        }
    }

    private void scheduleRefresh() {
        if (refreshTimer != null) {
            refreshTimer.cancel();
        }
        if (supplier == null) {
            return;
        }
        OptionalLong expiry = Tokens.expiryMillis(current);
        if (expiry.isEmpty()) {
            return;
        }
        OptionalLong delay = Tokens.refreshDelayMillis(expiry.getAsLong(), clock.wallMillis(), marginMs);
        if (delay.isPresent()) {
            refreshTimer = connection.schedule(delay.getAsLong(), this::refreshNow);
        }
    }

    private void send(String token) {
        if (connection.isConnected() && token.equals(current)) {
            sender.sendRequest(id -> new Refresh(id, token));
        }
    }

    /** Asks the supplier on its threads; the answer comes back on the event thread, unless the client closed. */
    private void ask(BiConsumer<String, Throwable> answer) {
        CompletableFuture<String> token;
        try {
            token = CompletableFuture.supplyAsync(supplier, supplierThreads);
        } catch (RejectedExecutionException closed) {
            return;
        }
        connection.whenComplete(token, answer);
    }

    private PushClientException supplierFailed(Throwable error) {
        PushClientException failure = new PushClientException("token supplier failed: " + Failures.describe(error),
                null, 0, Failures.unwrap(error));
        errors.accept(failure);
        return failure;
    }
}
