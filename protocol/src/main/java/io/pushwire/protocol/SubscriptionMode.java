package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** How a subscription receives events. */
public enum SubscriptionMode {
    /** Every event, in order. */
    ALL("all"),
    /** Only the newest pending event, at most one per interval; skipped seqs are announced as a gap. */
    CONFLATE("conflate");

    private final String wireName;

    SubscriptionMode(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the wire. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The mode with this wire name, if any. */
    public static Optional<SubscriptionMode> fromWire(String name) {
        return Arrays.stream(values()).filter(m -> m.wireName.equals(name)).findFirst();
    }
}
