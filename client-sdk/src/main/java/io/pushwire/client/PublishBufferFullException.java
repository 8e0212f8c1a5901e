package io.pushwire.client;

/**
 * Thrown by {@link PushClient#publish} when the publish buffer already holds as many unsent publishes as
 * {@link PushClient.Builder#publishBufferSize(int)} allows: the client has been disconnected (or held back
 * by the server's rate limit) for longer than the buffer covers. Nothing was queued; the application
 * decides whether to drop, retry later or block.
 */
public final class PublishBufferFullException extends PushClientException {
    private final int capacity;

    public PublishBufferFullException(int capacity) {
        super("publish buffer full: " + capacity + " publishes are waiting for a connection", null, 0, null);
        this.capacity = capacity;
    }

    /** The buffer's size. */
    public int capacity() {
        return capacity;
    }
}
