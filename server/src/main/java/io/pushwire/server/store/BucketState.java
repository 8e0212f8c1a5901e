package io.pushwire.server.store;

/**
 * A session's inbound rate-limit buckets, as they stood at {@code atMs}: the tokens left in each. A
 * bucket restored from it refills from there, so that reconnecting (to any node) does not refill it.
 *
 * @param rateTokens  tokens of the rate bucket (frames processed)
 * @param abuseTokens tokens of the abuse bucket (frames received)
 * @param atMs        when they were read
 */
public record BucketState(long rateTokens, long abuseTokens, long atMs) {
}
