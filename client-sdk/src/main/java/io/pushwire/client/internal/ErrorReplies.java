package io.pushwire.client.internal;

import io.pushwire.client.PushClientException;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Frame;
import io.pushwire.protocol.Hello;
import io.pushwire.protocol.Publish;
import io.pushwire.protocol.Refresh;
import java.util.function.Consumer;

/**
 * What follows an {@code error} frame from the server. With a request id it answers that request: a
 * subscribe or unsubscribe is the {@link SubscriptionTable}'s to handle; the others (hello, publish,
 * refresh) are reported to the application with what was refused. Without an id (e.g.
 * {@code resume_failed}) it is reported as it is.
 *
 * <p>{@code rate_limited} means the frame was not processed: a refresh is sent again after
 * {@code retryAfterMs} (subscribes and unsubscribes too, by the table), and publishing is held back that
 * long. Any {@code retryAfterMs} is also the least wait before the next reconnect. {@code token_expired}
 * asks for a new token at once.
 *
 * <p>Event thread only.
 */
final class ErrorReplies {
    private final Scheduler clock;
    private final ReconnectPlanner planner;
    private final SubscriptionTable subscriptions;
    private final FrameSender sender;
    private final PublishBuffer publishes;
    private final TokenRefresher tokens;
    /** Reports a failure to the application (onError) and records it as the last error. */
    private final Consumer<PushClientException> errors;

    ErrorReplies(Scheduler clock, ReconnectPlanner planner, SubscriptionTable subscriptions, FrameSender sender,
                 PublishBuffer publishes, TokenRefresher tokens, Consumer<PushClientException> errors) {
        this.clock = clock;
        this.planner = planner;
        this.subscriptions = subscriptions;
        this.sender = sender;
        this.publishes = publishes;
        this.tokens = tokens;
        this.errors = errors;
    }

    void onError(ErrorFrame error) {
        long now = clock.nowMillis();
        boolean rateLimited = ErrorCode.RATE_LIMITED.equals(error.code());
        long retryAfter = error.retryAfterMs() != null ? error.retryAfterMs() : -1;
        if (retryAfter >= 0) {
            planner.retryAfter(retryAfter);
        }
        if (subscriptions.onError(error, rateLimited, retryAfter)) {
            return;
        }
        Frame request = sender.takeRequest(error.id());
        if (rateLimited) {
            publishes.holdBack(now, Math.max(0, retryAfter));
        }
        if (request instanceof Refresh && rateLimited) {
            tokens.retry((Refresh) request, Math.max(0, retryAfter));
            return;
        }
        if (ErrorCode.TOKEN_EXPIRED.equals(error.code())) {
            tokens.refreshNow();
        }
        String what = request instanceof Publish ? "publish to '" + ((Publish) request).channel() + "' refused: "
                : request instanceof Refresh ? "token refresh refused: "
                : request instanceof Hello ? "hello refused: " : "";
        errors.accept(PushClientException.fromServer(what + error.code() + ": " + error.message(), error));
    }
}
