package io.pushwire.server.http;

import io.pushwire.protocol.ErrorCode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of every error answer of the HTTP API, and its schema in {@code /openapi}. */
@Schema(name = "Error", description = "An error: one of the protocol's error codes and a sentence saying what was wrong.",
        requiredProperties = {"code", "message"})
record ErrorBody(
        @Schema(description = "The protocol's error code (docs/PROTOCOL.md); the HTTP status says as much.",
                enumeration = {ErrorCode.BAD_REQUEST, ErrorCode.UNAUTHORIZED, ErrorCode.FORBIDDEN,
                        ErrorCode.UNKNOWN_CHANNEL, ErrorCode.TOO_LARGE, ErrorCode.LIMIT_EXCEEDED, ErrorCode.INTERNAL},
                example = ErrorCode.BAD_REQUEST)
        String code,
        @Schema(description = "What was wrong, for a person to read; not meant to be parsed.",
                example = "body is empty: send the event's data as JSON")
        String message) {
}
