package io.pushwire.server.store;

import io.pushwire.protocol.Channels;
import io.pushwire.protocol.Position;
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
 * @param attachment       how many times it was resumed: each resume takes the session with the next number
 *                         ({@link SessionStore#claim}), and a store refuses writes of an older one
 * @param holder           the node that holds it attached, as the store knows it; null when detached, and in
 *                         what a node writes (the store fills it in)
 */
public record SessionRecord(String clientId, String resumeTokenHash, String subject, long tokenExpiresAtMs,
                            String inbox, List<SubscriptionRecord> subscriptions, long createdAtMs,
                            long detachedAtMs, BucketState inboundBucket, long attachment, String holder) {
    public SessionRecord {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(resumeTokenHash, "resumeTokenHash");
        Objects.requireNonNull(inbox, "inbox");
        Objects.requireNonNull(inboundBucket, "inboundBucket");
        subscriptions = List.copyOf(subscriptions);
    }

    /** The same record as held by {@code node} (null: detached or not known). */
    public SessionRecord heldBy(String node) {
        return new SessionRecord(clientId, resumeTokenHash, subject, tokenExpiresAtMs, inbox, subscriptions, createdAtMs,
                detachedAtMs, inboundBucket, attachment, node);
    }

    /** The same record, of attachment {@code number}. */
    public SessionRecord withAttachment(long number) {
        return new SessionRecord(clientId, resumeTokenHash, subject, tokenExpiresAtMs, inbox, subscriptions, createdAtMs,
                detachedAtMs, inboundBucket, number, holder);
    }

    /** The same record taken for attachment {@code number} by {@code node}: attached, so it does not expire. */
    public SessionRecord claimed(long number, String node) {
        return new SessionRecord(clientId, resumeTokenHash, subject, tokenExpiresAtMs, inbox, subscriptions, createdAtMs,
                -1, inboundBucket, number, node);
    }

    /** The last {@code $me} seq written to the client, 0 when none (or not subscribed to {@code $me}). */
    public long meWrittenSeq() {
        return subscriptions.stream().filter(kept -> Channels.ME.equals(kept.channel())).map(SubscriptionRecord::written)
                .filter(Objects::nonNull).mapToLong(Position::seq).findFirst().orElse(0);
    }

    /** Whether no connection holds it. */
    public boolean detached() {
        return detachedAtMs >= 0;
    }
}
