package io.pushwire.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The client's current connection as its parts (publish buffer, subscription table, token refresher,
 * connection deadlines) see it: whether it is connected, and a way to run code later on its behalf. That code runs on the event
 * thread, and only while the connection (or connection attempt) it was made for is still the current one:
 * {@link ClientCore} implements this with its generation check, so a part never sees a late timer or
 * callback of a connection that has ended, and needs no check of its own.
 *
 * <p>Called on the event thread.
 */
interface CurrentConnection {
    /** Whether the server's welcome has arrived: frames other than hello may be sent. */
    boolean isConnected();

    /** Runs {@code task} after {@code delayMs} of the client's clock; the timer may be cancelled. */
    Scheduler.Cancellable schedule(long delayMs, Runnable task);

    /** Runs {@code task} soon, after what is queued on the event thread now. */
    void runSoon(Runnable task);

    /** Runs {@code callback} with the outcome of {@code future}, whichever thread completes it. */
    <T> void whenComplete(CompletableFuture<T> future, BiConsumer<? super T, ? super Throwable> callback);
}
