package io.pushwire.server.broker.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pushwire.protocol.Position;
import io.pushwire.protocol.SubscriptionMode;
import io.pushwire.server.store.BucketState;
import io.pushwire.server.store.SessionRecord;
import io.pushwire.server.store.SubscriptionRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A session's record as JSON in Redis, with short field names; its attachment number, holder and detach
 * time are kept beside it in the session's hash, where the scripts compare and change them.
 */
final class SessionJson {
    private static final Logger LOG = Logger.getLogger(SessionJson.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private SessionJson() {
    }

    static String encode(SessionRecord record) {
        ObjectNode json = JSON.createObjectNode()
                .put("id", record.clientId())
                .put("token", record.resumeTokenHash())
                .put("sub", record.subject())
                .put("tokenExp", record.tokenExpiresAtMs())
                .put("inbox", record.inbox())
                .put("created", record.createdAtMs());
        ArrayNode subscriptions = json.putArray("subs");
        for (SubscriptionRecord subscription : record.subscriptions()) {
            ObjectNode one = subscriptions.addObject().put("ch", subscription.channel())
                    .put("mode", subscription.mode().wireName());
            if (subscription.intervalMs() != null) {
                one.put("interval", subscription.intervalMs());
            }
            if (subscription.written() != null) {
                one.put("seq", subscription.written().seq()).put("epoch", subscription.written().epoch());
            }
        }
        BucketState bucket = record.inboundBucket();
        json.putObject("bucket").put("rate", bucket.rateTokens()).put("abuse", bucket.abuseTokens()).put("at", bucket.atMs());
        return json.toString();
    }

    /**
     * The record detached at {@code detachedAtMs} (attachment 0, no holder), or null (logged) for one this version cannot read: that session
     * cannot be resumed, which is better than a node failing on it.
     */
    static SessionRecord decode(String clientId, String stored, long detachedAtMs) {
        if (stored == null) {
            return null;
        }
        try {
            JsonNode json = JSON.readTree(stored);
            List<SubscriptionRecord> subscriptions = new ArrayList<>();
            for (JsonNode one : json.path("subs")) {
                SubscriptionMode mode = SubscriptionMode.fromWire(one.path("mode").asText())
                        .orElseThrow(() -> new IllegalArgumentException("unknown mode " + one.path("mode")));
                subscriptions.add(new SubscriptionRecord(one.path("ch").asText(), mode,
                        one.has("interval") ? one.get("interval").asLong() : null,
                        one.has("seq") ? new Position(one.get("seq").asLong(), one.get("epoch").asText()) : null));
            }
            JsonNode bucket = json.path("bucket");
            return new SessionRecord(json.path("id").asText(), json.path("token").asText(),
                    json.path("sub").isTextual() ? json.get("sub").asText() : null, json.path("tokenExp").asLong(),
                    json.path("inbox").asText(), subscriptions, json.path("created").asLong(),
                    detachedAtMs, new BucketState(bucket.path("rate").asLong(),
                    bucket.path("abuse").asLong(), bucket.path("at").asLong()), 0, null);
        } catch (JsonProcessingException | RuntimeException unreadable) {
            LOG.log(Level.WARNING, "the stored record of session " + clientId + " cannot be read; it cannot be resumed: "
                    + unreadable.getMessage());
            return null;
        }
    }
}
