package io.pushwire.server.store;

import java.util.List;
import java.util.Objects;

/**
 * What a session needs to be restored on any node, and nothing a node holds only while it is attached
 * (the connection, its queue). The resume token itself is never stored: only its hash, which a
 * presented token is compared with.
 *
 * @param clientId         the session's public id
 * @param resumeTokenHash  {@link ResumeTokens#hash} of its resume token
 * @param subject          who it belongs to (a token's {@code sub}); null when anonymous
 * @param tokenExpiresAtMs when the credentials it last proved expire; {@code Long.MAX_VALUE} for never
 * @param inbox            the broker key of its {@code $me} stream
 * @param subscriptions    its subscriptions, with their modes and how far they were written
 * @param createdAtMs      when it was created
 * @param detachedAtMs     when its last connection left, -1 while one is attached
 * @param inboundBucket    its inbound rate limit as it stood when last saved
 */
public record SessionRecord(String clientId, String resumeTokenHash, String subject, long tokenExpiresAtMs,
                            String inbox, List<SubscriptionRecord> subscriptions, long createdAtMs,
                            long detachedAtMs, BucketState inboundBucket) {
    public SessionRecord {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(resumeTokenHash, "resumeTokenHash");
        Objects.requireNonNull(inbox, "inbox");
        Objects.requireNonNull(inboundBucket, "inboundBucket");
        subscriptions = List.copyOf(subscriptions);
    }

    /** Whether no connection holds it. */
    public boolean detached() {
        return detachedAtMs >= 0;
    }
}
