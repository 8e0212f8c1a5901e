package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.Map;

/**
 * First frame of every connection. {@code clientId} with {@code resumeToken} asks to resume a session;
 * {@code positions} tells the server where the client is in each channel.
 */
@JsonTypeName("hello")
public record Hello(Long id, int protocol, String token, String clientId, String resumeToken,
                    Map<String, Position> positions) implements Frame, Frame.Request {
    public Hello {
        positions = positions == null ? null : Map.copyOf(positions);
    }

    /** A plain hello for a new session. */
    public static Hello of(long id) {
        return new Hello(id, ProtocolVersion.V1, null, null, null, null);
    }
}
