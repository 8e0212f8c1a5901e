package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One protocol v1 frame: a JSON object whose {@code "type"} names the record.
 *
 * <p>Frames are immutable values. Client frames ({@link Hello}, {@link Subscribe}, {@link Unsubscribe},
 * {@link Publish}, {@link Refresh}) and server frames ({@link Welcome}, {@link Subscribed}, {@link Event},
 * {@link Gap}, {@link Status}, {@link Unsubscribed}, {@link ErrorFrame}, {@link Goaway}) share this one
 * hierarchy; {@link Ping} and {@link Pong} travel both ways. {@link FrameCodec} reads and writes them.
 * Optional fields are {@code null} when absent and are left out of the JSON.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface Frame
        permits Hello, Subscribe, Unsubscribe, Publish, Refresh, Ping, Pong,
                Welcome, Subscribed, Event, Gap, Status, Unsubscribed, ErrorFrame, Goaway {

    /** Frames a client sends with an {@code "id"} implement this; the reply carries the same id. */
    interface Request {
        /** The client's request id, or {@code null} when the client sent none. */
        Long id();
    }
}
