package io.pushwire.server.broker;

/**
 * Per-channel replay history.
 *
 * @param size  most events kept per channel
 * @param ttlMs longest an event is kept
 */
public record HistorySettings(int size, long ttlMs) {
}
