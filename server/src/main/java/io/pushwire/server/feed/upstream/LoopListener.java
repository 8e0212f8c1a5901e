package io.pushwire.server.feed.upstream;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One link's socket listener: each callback, made on a socket thread, runs on the feed's loop instead, after what
 * is queued there. This is all a socket thread does to a feed; the feed, on its loop, drops what comes from a link it
 * has replaced meanwhile. The socket reads the next text message only once the loop has handled this one, so a busy
 * loop slows the reading rather than queueing without bound.
 *
 * <p>Called on the socket's threads; holds nothing that changes.
 */
final class LoopListener implements UpstreamSocket.Listener {
    private final EventLoop loop;
    private final Consumer<String> received;
    /** A ping or a pong: proof of life. */
    private final Runnable touched;
    private final Consumer<Failure> lost;

    LoopListener(EventLoop loop, Consumer<String> received, Runnable touched, Consumer<Failure> lost) {
        this.loop = loop;
        this.received = received;
        this.touched = touched;
        this.lost = lost;
    }

    @Override
    public CompletionStage<?> onText(String text) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                received.accept(text);
            } finally {
                done.complete(null);
            }
        });
        return done;
    }

    @Override
    public void onPing() {
        loop.execute(touched);
    }

    @Override
    public void onPong() {
        loop.execute(touched);
    }

    @Override
    public void onClosed(int code, String reason) {
        loop.execute(() -> lost.accept(Failures.ofClose(code, reason)));
    }
}
