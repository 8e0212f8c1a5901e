package io.pushwire.server.feed.upstream;

import io.pushwire.protocol.RetryAfter;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Classifies what ends an upstream connection: a failed handshake, an I/O error, a close frame. */
final class Failures {
    private Failures() {
    }

    /** A failed connection attempt or a broken connection. */
    static Failure classify(Throwable error, long nowEpochMs) {
        Throwable cause = unwrap(error);
        if (cause instanceof WebSocketHandshakeException refused && refused.getResponse() != null) {
            return ofHttpStatus(refused.getResponse(), nowEpochMs);
        }
        String detail = describe(cause);
        if (cause instanceof SSLException) {
            return new Failure(FailureClass.FATAL, "TLS failed: " + detail);
        }
        if (cause instanceof UnresolvedAddressException || cause instanceof IllegalArgumentException) {
            return new Failure(FailureClass.FATAL, "bad address: " + detail);
        }
        if (cause instanceof HttpConnectTimeoutException || cause instanceof HttpTimeoutException
                || cause instanceof TimeoutException) {
            return new Failure(FailureClass.TRANSIENT_NETWORK, "timed out: " + detail);
        }
        if (cause instanceof ConnectException) {
            return new Failure(FailureClass.TRANSIENT_NETWORK, "connection refused: " + detail);
        }
        if (cause instanceof IOException) {
            return new Failure(FailureClass.TRANSIENT_NETWORK, "I/O: " + detail);
        }
        return new Failure(FailureClass.TRANSIENT_NETWORK, detail);
    }

    /** An upgrade answered with an HTTP status instead of 101. */
    static Failure ofHttpStatus(HttpResponse<?> response, long nowEpochMs) {
        int status = response.statusCode();
        long retryAfter = RetryAfter.parseMillis(response.headers().firstValue("Retry-After").orElse(null), nowEpochMs);
        String detail = "handshake refused with HTTP " + status;
        if (status == 429 || status == 418) {
            return new Failure(FailureClass.RATE_LIMIT, detail, retryAfter);
        }
        if (status == 401 || status == 403) {
            return new Failure(FailureClass.AUTH, detail, retryAfter);
        }
        if (status >= 500) {
            return new Failure(FailureClass.TRANSIENT_NETWORK, detail, retryAfter);
        }
        return new Failure(FailureClass.FATAL, detail, retryAfter);
    }

    /**
     * The exchange (or the network) ended an open connection. Normal closes, going-away and server
     * errors are the exchange's business (rotation, maintenance) and only need a reconnect; 1008 is how
     * Binance answers too many messages, and the 1002/1003/1007/1009 family and private codes mean we
     * said something wrong.
     */
    static Failure ofClose(int code, String reason) {
        String detail = "closed with " + code + (reason == null || reason.isEmpty() ? "" : " " + reason);
        return switch (code) {
            case 1000, 1001, 1006, 1011, 1012, 1013, 1014 -> new Failure(FailureClass.TRANSIENT_NETWORK, detail);
            case 1008 -> new Failure(reason != null && reason.toLowerCase().contains("too many")
                    ? FailureClass.RATE_LIMIT : FailureClass.PROTOCOL, detail);
            default -> new Failure(FailureClass.PROTOCOL, detail);
        };
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null || message.isEmpty() ? "" : " " + message);
    }
}
