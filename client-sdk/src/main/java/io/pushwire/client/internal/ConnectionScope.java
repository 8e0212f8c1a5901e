package io.pushwire.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * How the parts of the client run code later on behalf of the current connection. Everything runs on the
 * event thread, and only while the connection (or connection attempt) it was made for is the current one:
 * {@link ClientCore} implements this with its generation check, so a part never sees a late timer or
 * callback of a connection that has ended.
 *
 * <p>Called on the event thread.
 */
interface ConnectionScope {
    /** Runs {@code task} after {@code delayMs} of the client's clock; the timer may be cancelled. */
    Scheduler.Cancellable schedule(long delayMs, Runnable task);

    /** Runs {@code task} soon, after what is queued on the event thread now. */
    void runSoon(Runnable task);

    /** Runs {@code callback} with the outcome of {@code future}, whichever thread completes it. */
    <T> void whenComplete(CompletableFuture<T> future, BiConsumer<? super T, ? super Throwable> callback);
}
