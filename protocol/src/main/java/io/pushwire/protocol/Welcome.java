package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.Objects;

/**
 * Reply to {@link Hello}. {@code resumeToken} is a secret: together with {@code clientId} it resumes
 * this session after a disconnect, for {@code sessionTtlMs}.
 */
@JsonTypeName("welcome")
public record Welcome(Long id, String clientId, String resumeToken, boolean resumed, Heartbeat heartbeat,
                      Limits limits, long sessionTtlMs) implements Frame {
    public Welcome {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(resumeToken, "resumeToken");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(limits, "limits");
    }

    /** The heartbeat the server keeps: ping when idle for {@code intervalMs}, give up after {@code timeoutMs} more. */
    public record Heartbeat(long intervalMs, long timeoutMs) {
    }

    /** Inbound limits the server enforces on this connection. */
    public record Limits(int ratePerSec, int burst, int maxFrameBytes) {
    }
}
