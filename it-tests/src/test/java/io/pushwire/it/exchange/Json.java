package io.pushwire.it.exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * JSON for the fakes: client requests are parsed with Jackson, but everything the fakes send is written
 * by hand, so that field order, strings-versus-numbers and deliberately malformed output are exactly
 * what each exchange puts on the wire (Jackson would, for instance, print 740.0 as 7.4E+2).
 */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private Json() {
    }

    /** The parsed text, or {@code null} when it is not JSON. */
    static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** A JSON string literal. */
    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /**
     * A decimal written as a bare JSON number, exactly as given (Kraken sends prices and quantities as
     * numbers); refuses text that is not a JSON number so that a test cannot produce invalid JSON by accident.
     */
    static String number(String decimal) {
        if (!NUMBER.matcher(decimal).matches()) {
            throw new IllegalArgumentException("not a JSON number: " + decimal);
        }
        return decimal;
    }

    static String number(BigDecimal decimal) {
        return decimal.toPlainString();
    }

    /** A node echoed back as it came (an id that may be a number, a string or null). */
    static String echo(JsonNode node) {
        return node == null || node.isMissingNode() ? "null" : node.toString();
    }
}
