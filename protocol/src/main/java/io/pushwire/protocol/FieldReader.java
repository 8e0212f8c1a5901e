package io.pushwire.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Typed, validating access to the fields of one frame object; every failure names the field. */
final class FieldReader {
    static final int MAX_NAME_LENGTH = 64;
    static final int MAX_ID_LENGTH = 256;
    static final int MAX_EPOCH_LENGTH = 64;
    static final int MAX_TEXT_LENGTH = 4096;
    static final int MAX_TOKEN_LENGTH = 8192;
    static final int MAX_POSITIONS = 1024;

    private final ObjectNode node;

    FieldReader(ObjectNode node) {
        this.node = node;
    }

    /** Reads {@code id} for error replies; a malformed id is itself a bad request. */
    Long optionalRequestId() {
        return optionalLong("id");
    }

    String requiredString(String field, int maxLength) {
        return string(field, require(field), maxLength);
    }

    String optionalString(String field, int maxLength) {
        JsonNode value = optional(field);
        return value == null ? null : string(field, value, maxLength);
    }

    String channel(String field) {
        String name = requiredString(field, Channels.MAX_LENGTH);
        try {
            return Channels.requireValid(name);
        } catch (ProtocolException e) {
            throw ProtocolException.badRequest("field '" + field + "': " + e.getMessage());
        }
    }

    String epoch(String field) {
        String epoch = requiredString(field, MAX_EPOCH_LENGTH);
        if (epoch.isEmpty()) {
            throw ProtocolException.badRequest("field '" + field + "' must not be empty");
        }
        return epoch;
    }

    int requiredInt(String field) {
        long value = requiredLong(field);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw ProtocolException.badRequest("field '" + field + "' is out of range: " + value);
        }
        return (int) value;
    }

    long requiredLong(String field) {
        return integer(field, require(field));
    }

    Long optionalLong(String field) {
        JsonNode value = optional(field);
        return value == null ? null : integer(field, value);
    }

    long requiredNonNegativeLong(String field) {
        return nonNegative(field, requiredLong(field));
    }

    Long optionalNonNegativeLong(String field) {
        Long value = optionalLong(field);
        return value == null ? null : nonNegative(field, value);
    }

    boolean requiredBoolean(String field) {
        return bool(field, require(field));
    }

    Boolean optionalBoolean(String field) {
        JsonNode value = optional(field);
        return value == null ? null : bool(field, value);
    }

    /** Any JSON value, {@code null} included, but it must be present. */
    JsonNode requiredValue(String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw ProtocolException.badRequest("field '" + field + "' is required");
        }
        return value;
    }

    /**
     * A frame's {@code data}: any JSON value, as {@link #requiredValue}, whose numbers fit a double. A larger
     * one ({@code 1e400}) would be read as infinity and written on as the string {@code "Infinity"}, so
     * subscribers would get something other than what was published.
     */
    JsonNode requiredData(String field) {
        JsonNode value = requiredValue(field);
        if (!numbersFinite(value)) {
            throw ProtocolException.badRequest("field '" + field + "' holds a number beyond the range of a double"
                    + " (about 1.8e308)");
        }
        return value;
    }

    static boolean numbersFinite(JsonNode node) {
        if (node.isFloatingPointNumber()) {
            return Double.isFinite(node.doubleValue());
        }
        for (JsonNode child : node) {
            if (!numbersFinite(child)) {
                return false;
            }
        }
        return true;
    }

    SubscriptionMode optionalMode(String field) {
        String name = optionalString(field, MAX_NAME_LENGTH);
        if (name == null) {
            return null;
        }
        return SubscriptionMode.fromWire(name).orElseThrow(() -> ProtocolException.badRequest(
                "field '" + field + "' must be 'all' or 'conflate', got '" + name + "'"));
    }

    Position optionalPosition(String field) {
        JsonNode value = optional(field);
        return value == null ? null : position(field, value);
    }

    Map<String, Position> optionalPositions(String field) {
        JsonNode value = optional(field);
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw wrongType(field, "an object of channel to {seq, epoch}", value);
        }
        if (value.size() > MAX_POSITIONS) {
            throw new ProtocolException(ErrorCode.TOO_LARGE, "field '" + field + "' holds " + value.size()
                    + " channels, the limit is " + MAX_POSITIONS, null, null);
        }
        Map<String, Position> positions = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String channel = entry.getKey();
            if (!Channels.isValid(channel)) {
                throw ProtocolException.badRequest("field '" + field + "' names an invalid channel '"
                        + truncate(channel) + "'");
            }
            positions.put(channel, position(field + "." + channel, entry.getValue()));
        }
        return positions;
    }

    Welcome.Heartbeat heartbeat(String field) {
        FieldReader inner = object(field);
        return new Welcome.Heartbeat(inner.requiredNonNegativeLong("intervalMs"),
                inner.requiredNonNegativeLong("timeoutMs"));
    }

    Welcome.Limits limits(String field) {
        FieldReader inner = object(field);
        return new Welcome.Limits(inner.requiredInt("ratePerSec"), inner.requiredInt("burst"),
                inner.requiredInt("maxFrameBytes"));
    }

    private FieldReader object(String field) {
        JsonNode value = require(field);
        if (!value.isObject()) {
            throw wrongType(field, "an object", value);
        }
        return new FieldReader((ObjectNode) value);
    }

    private Position position(String field, JsonNode value) {
        if (!value.isObject()) {
            throw wrongType(field, "an object {seq, epoch}", value);
        }
        FieldReader inner = new FieldReader((ObjectNode) value);
        try {
            return new Position(inner.requiredNonNegativeLong("seq"), inner.epoch("epoch"));
        } catch (ProtocolException e) {
            throw ProtocolException.badRequest("field '" + field + "': " + e.getMessage());
        }
    }

    private JsonNode require(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ProtocolException.badRequest("field '" + field + "' is required");
        }
        return value;
    }

    /** A JSON null counts as absent for optional fields. */
    private JsonNode optional(String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    private static String string(String field, JsonNode value, int maxLength) {
        if (!value.isTextual()) {
            throw wrongType(field, "a string", value);
        }
        String text = value.textValue();
        if (text.length() > maxLength) {
            throw new ProtocolException(ErrorCode.TOO_LARGE, "field '" + field + "' is " + text.length()
                    + " characters, the limit is " + maxLength, null, null);
        }
        return text;
    }

    private static long integer(String field, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw wrongType(field, "an integer", value);
        }
        return value.longValue();
    }

    private static long nonNegative(String field, long value) {
        if (value < 0) {
            throw ProtocolException.badRequest("field '" + field + "' must be >= 0, got " + value);
        }
        return value;
    }

    private static boolean bool(String field, JsonNode value) {
        if (!value.isBoolean()) {
            throw wrongType(field, "true or false", value);
        }
        return value.booleanValue();
    }

    private static ProtocolException wrongType(String field, String expected, JsonNode actual) {
        return ProtocolException.badRequest("field '" + field + "' must be " + expected + ", got " + kind(actual));
    }

    static String kind(JsonNode node) {
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? "an integer" : "an integer out of range";
        }
        if (node.isNumber()) {
            return "a fractional number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        return "null";
    }

    private static String truncate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
