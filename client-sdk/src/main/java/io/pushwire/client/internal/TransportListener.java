package io.pushwire.client.internal;

import java.util.concurrent.CompletionStage;

/** Callbacks of one {@link Transport}, called by its I/O thread, one at a time. */
public interface TransportListener {
    /** A whole text message. The transport reads the next one when the returned stage completes. */
    CompletionStage<?> onText(String message);

    /** The connection ended: a close frame ({@code code} from it) or a failure ({@code 1006}). Called once. */
    void onClosed(int code, String reason);
}
