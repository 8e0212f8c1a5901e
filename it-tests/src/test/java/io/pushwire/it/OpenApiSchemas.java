package io.pushwire.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a JSON value against a schema of an OpenAPI 3.0 document, for the keywords Pushwire's document uses:
 * {@code $ref} (within the document), {@code type}, {@code format} int32/int64, {@code nullable}, {@code enum},
 * {@code minimum}, {@code maximum}, {@code required}, {@code properties}, {@code additionalProperties} and
 * {@code items}. A schema with no type (the event data's) admits any value. Stricter than OpenAPI in one way:
 * a property that is neither among an object's {@code properties} nor covered by its
 * {@code additionalProperties} is a mismatch, so that an answer cannot carry a field the document does not
 * describe. Every mismatch is listed, with the JSON path where it was found.
 */
final class OpenApiSchemas {
    private final JsonNode document;

    OpenApiSchemas(JsonNode document) {
        this.document = document;
    }

    /** The node a local {@code $ref} ({@code #/components/...}) points to; fails when it points nowhere. */
    JsonNode resolve(String ref) {
        if (!ref.startsWith("#/")) {
            throw new AssertionError("not a reference within the document: " + ref);
        }
        JsonNode target = document.at(ref.substring(1));
        if (target.isMissingNode()) {
            throw new AssertionError("$ref " + ref + " resolves to nothing");
        }
        return target;
    }

    /** {@code node}, or what its {@code $ref} points to. */
    JsonNode dereference(JsonNode node) {
        return node.has("$ref") ? resolve(node.path("$ref").asText()) : node;
    }

    /** Every way {@code value} does not match {@code schema}; empty when it matches. */
    List<String> mismatches(JsonNode schema, JsonNode value) {
        List<String> found = new ArrayList<>();
        check(schema, value, "$", found);
        return found;
    }

    private void check(JsonNode schemaOrRef, JsonNode value, String at, List<String> found) {
        JsonNode schema = dereference(schemaOrRef);
        if (value.isNull()) {
            if (schema.has("type") && !schema.path("nullable").asBoolean()) {
                found.add(at + " is null, and the schema is not nullable");
            }
            return;
        }
        if (schema.has("enum") && !contains(schema.path("enum"), value)) {
            found.add(at + " is " + value + ", not one of " + schema.path("enum"));
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "" -> { }
            case "object" -> checkObject(schema, value, at, found);
            case "array" -> {
                if (!value.isArray()) {
                    found.add(at + " is " + value.getNodeType() + ", not an array");
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check(schema.path("items"), value.get(i), at + "[" + i + "]", found);
                }
            }
            case "string" -> expect(value.isTextual(), "a string", value, at, found);
            case "boolean" -> expect(value.isBoolean(), "a boolean", value, at, found);
            case "integer" -> {
                boolean fits = "int32".equals(schema.path("format").asText()) ? value.canConvertToInt()
                        : value.canConvertToLong();
                expect(value.isIntegralNumber() && fits, "an integer (" + schema.path("format").asText("any") + ")",
                        value, at, found);
                checkRange(schema, value, at, found);
            }
            case "number" -> {
                expect(value.isNumber(), "a number", value, at, found);
                checkRange(schema, value, at, found);
            }
            default -> found.add(at + ": the schema's type " + type + " is not one this check knows");
        }
    }

    private void checkObject(JsonNode schema, JsonNode value, String at, List<String> found) {
        if (!value.isObject()) {
            found.add(at + " is " + value.getNodeType() + ", not an object");
            return;
        }
        for (JsonNode required : schema.path("required")) {
            if (!value.has(required.asText())) {
                found.add(at + " lacks the required property " + required.asText());
            }
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.path("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String path = at + "." + field.getKey();
            if (properties.has(field.getKey())) {
                check(properties.path(field.getKey()), field.getValue(), path, found);
            } else if (additional.isObject()) {
                check(additional, field.getValue(), path, found);
            } else {
                found.add(path + " is not a documented property");
            }
        }
    }

    private static void checkRange(JsonNode schema, JsonNode value, String at, List<String> found) {
        if (!value.isNumber()) {
            return;
        }
        if (schema.has("minimum") && value.decimalValue().compareTo(schema.path("minimum").decimalValue()) < 0) {
            found.add(at + " is " + value + ", below the minimum " + schema.path("minimum"));
        }
        if (schema.has("maximum") && value.decimalValue().compareTo(schema.path("maximum").decimalValue()) > 0) {
            found.add(at + " is " + value + ", above the maximum " + schema.path("maximum"));
        }
    }

    private static void expect(boolean matches, String what, JsonNode value, String at, List<String> found) {
        if (!matches) {
            found.add(at + " is " + value + ", not " + what);
        }
    }

    private static boolean contains(JsonNode values, JsonNode value) {
        for (JsonNode candidate : values) {
            if (candidate.equals(value)) {
                return true;
            }
        }
        return false;
    }
}
