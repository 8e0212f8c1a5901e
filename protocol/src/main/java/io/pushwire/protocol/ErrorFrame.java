package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.Objects;

/**
 * An error, in reply to request {@code id} when there is one. {@code code} is one of {@link ErrorCode};
 * {@code temporary} says whether the same request may succeed later, after {@code retryAfterMs} if given.
 */
@JsonTypeName("error")
public record ErrorFrame(Long id, String code, String message, boolean temporary, Long retryAfterMs)
        implements Frame {
    public ErrorFrame {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    /** A permanent error reply. */
    public static ErrorFrame of(Long id, String code, String message) {
        return new ErrorFrame(id, code, message, false, null);
    }
}
