package io.pushwire.server.core;

/**
 * Limits of one connection's outbound queue.
 *
 * @param maxBatchFrames most frames written as one WebSocket message
 * @param maxBatchBytes  most characters of JSON in one batched message (a single larger frame still goes)
 * @param maxQueueBytes  queue budget; a connection over it is a slow consumer
 */
public record OutboundSettings(int maxBatchFrames, int maxBatchBytes, long maxQueueBytes) {
    public OutboundSettings {
        if (maxBatchFrames < 1 || maxBatchBytes < 1 || maxQueueBytes < 1) {
            throw new IllegalArgumentException("outbound limits must be positive: " + maxBatchFrames + ", "
                    + maxBatchBytes + ", " + maxQueueBytes);
        }
    }
}
