package io.pushwire.server.feed.upstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * Reading exchange JSON. Numbers with a fraction become {@link java.math.BigDecimal}, never double:
 * Kraken writes prices as JSON numbers, and {@code 0.1} must stay {@code "0.1"} ({@code 40.0} stays
 * {@code "40.0"}: exactly what the exchange wrote).
 */
final class Json {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private Json() {
    }

    /**
     * Reads one message that has to be a JSON object with {@code reader}: what is not a JSON object, or
     * not the shape {@code reader} expects (it threw {@link BadMessage}), is {@link Inbound.Malformed}.
     */
    static Inbound read(String text, Function<JsonNode, Inbound> reader) {
        JsonNode message = parse(text);
        if (message == null || !message.isObject()) {
            return new Inbound.Malformed("not a JSON object: " + abbreviate(text));
        }
        try {
            return reader.apply(message);
        } catch (BadMessage e) {
            return new Inbound.Malformed(e.getMessage() + " in " + abbreviate(text));
        }
    }

    /** The message as a tree, or null when it is not JSON. */
    private static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    static String quote(String value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A required decimal, written as a string or a number; its plain text. */
    static String decimal(JsonNode object, String field) {
        JsonNode node = object.get(field);
        if (node != null && node.isTextual() && !node.asText().isBlank()) {
            return node.asText();
        }
        if (node != null && node.isNumber()) {
            return node.decimalValue().toPlainString();
        }
        throw new BadMessage("'" + field + "' is not a decimal: " + node);
    }

    static String text(JsonNode object, String field) {
        JsonNode node = object.get(field);
        if (node == null || !node.isValueNode() || node.isNull() || node.asText().isEmpty()) {
            throw new BadMessage("'" + field + "' is missing");
        }
        return node.asText();
    }

    /** A required integer, written as a number or a string of digits. */
    static long integer(JsonNode object, String field) {
        JsonNode node = object.get(field);
        if (node != null && node.canConvertToLong() && node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node != null && node.isTextual()) {
            try {
                return Long.parseLong(node.asText());
            } catch (NumberFormatException e) {
                throw new BadMessage("'" + field + "' is not an integer: " + node);
            }
        }
        throw new BadMessage("'" + field + "' is not an integer: " + node);
    }

    /** An RFC 3339 timestamp ({@code 2023-09-25T07:49:37.708706Z}) as epoch ms. */
    static long instant(JsonNode object, String field) {
        try {
            return Instant.parse(text(object, field)).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new BadMessage("'" + field + "' is not a timestamp: " + object.get(field));
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }

    /** A message that is JSON but not the shape the exchange documents. */
    static final class BadMessage extends RuntimeException {
        BadMessage(String message) {
            super(message, null, false, false);
        }
    }
}
