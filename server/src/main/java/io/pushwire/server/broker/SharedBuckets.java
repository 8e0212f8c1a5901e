package io.pushwire.server.broker;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;

/**
 * Rate-limit buckets kept where every node of a cluster sees them (Bucket4j's proxy manager over Redis),
 * so that a limit is the cluster's, not each node's: a client cannot multiply its budget by the number of
 * nodes behind the load balancer.
 */
public interface SharedBuckets {
    /**
     * Takes one token from bucket {@code key}, made with {@code configuration} when it does not exist yet.
     *
     * @throws BrokerUnavailableException when the buckets cannot be reached now
     */
    ConsumptionProbe tryConsume(String key, BucketConfiguration configuration);
}
