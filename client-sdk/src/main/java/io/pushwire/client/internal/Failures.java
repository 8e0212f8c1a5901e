package io.pushwire.client.internal;

import io.pushwire.client.PushClientException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How the client names a failure: the exception it reports, and the text it puts in messages. */
final class Failures {
    private Failures() {
    }

    /** What every call on a closed client fails with. */
    static PushClientException closed() {
        return new PushClientException("client is closed", null, 0, null);
    }

    /** The failure inside the wrappers that futures add. */
    static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /**
     * The message to show for {@code error}: the client's own exceptions say it already; for others the
     * root cause, with its type, because the JDK's network exceptions often have no message or only a
     * wrapper's.
     */
    static String describe(Throwable error) {
        Throwable root = unwrap(error);
        if (root instanceof HandshakeRejectedException || root instanceof ConnectFailedException
                || root instanceof PushClientException) {
            return root.getMessage();
        }
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
