package io.pushwire.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Breaks frames the way hostile or buggy clients do: in the tree (a field removed, a value of the wrong
 * type or out of range, an unknown type, a name or string over its limit, nesting past the limit, a
 * batch where a frame belongs) and in the text (characters flipped, cut, dropped or repeated, duplicate
 * keys, raw numbers no tree can hold, trailing garbage, input that is not JSON at all).
 */
final class FrameMutator {
    /** Whole messages that are not a frame, or barely one. */
    private static final String[] NOT_FRAMES = {"", " ", "\t\n", "null", "true", "0", "-1", "1e999", "\"hello\"", "{",
        "}", "[", "]", "{}", "[]", "[[]]", "[{}]", "[null]", "{\"type\":\"ping\"}{}", "{\"type\":\"ping\"}]", "<ping/>",
        "{'type':'ping'}", "{type:\"ping\"}", "{\"type\":\"ping\",}", "[{\"type\":\"ping\"},]", "// {\"type\":\"ping\"}",
        "{\"type\":\"ping\"} /* */", "\uFEFF{\"type\":\"ping\"}", "{\"type\":\"ping\",\"ts\":NaN}", "{\"type\":\"ping\",\"ts\":Infinity}",
        "{\"type\":\"ping\",\"ts\":-Infinity}", "{\"type\":\"ping\",\"ts\":0x10}", "{\"type\":\"ping\",\"ts\":01}",
        "{\"type\":\"ping\",\"ts\":+1}", "{\"type\":\"ping\",\"ts\":.5}", "{\"type\":\"\\ud800\"}", "{\"type\":\"\\u0000\"}",
        "{\"type\":\"ping\\u0000\"}", "{\"type\":\"pi\\ng\"}", "\u0000", "\uD800", "{\"\uD800\":1,\"type\":\"ping\"}"};
    /** Raw numbers, some beyond what a long or a double holds. */
    private static final String[] RAW_NUMBERS = {"1e400", "-1e400", "1e-400", "1E+308", "9223372036854775808",
        "-9223372036854775809", "123456789012345678901234567890", "1.0", "1.5", "-0", "-0.0", "0.0000001", "4.9e-324",
        "1" + "0".repeat(1200), "0." + "1".repeat(1200)};
    private static final String[] NAN_ISH = {"NaN", "Infinity", "-Infinity", "1e999", "0x1F", "1_000", " 1", "1 ", "",
        "null", "true", "undefined", "\uD800", "\uDFFF\uD800", "\u0000"};
    private static final String FLIP_CHARS = "{}[]:,\"\\ 0123456789.-+eEtfnux\u0000\u001f\u00e9\uD800\uDC00\uFFFF";
    private static final List<String> NAMED_FIELDS = List.of("type", "id", "protocol", "token", "clientId",
            "resumeToken", "positions", "channel", "since", "mode", "intervalMs", "snapshot", "data", "ts", "seq",
            "epoch", "code", "message", "temporary", "reason", "heartbeat", "limits");

    private final SplittableRandom random;
    private final FrameGrammar grammar;
    private final JsonNodeFactory nodes = JsonNodeFactory.instance;

    FrameMutator(SplittableRandom random, FrameGrammar grammar) {
        this.random = random;
        this.grammar = grammar;
    }

    /** A tree mutation, in place or by replacing the whole message; returns the new message. */
    JsonNode mutateTree(ObjectNode frame) {
        switch (random.nextInt(9)) {
            case 0 -> removeField(frame);
            case 1 -> frame.set(pickField(frame), hostileValue());
            case 2 -> frame.set(FrameGrammar.UNKNOWN_PREFIX + random.nextInt(10), hostileValue());
            case 3 -> frame.set("type", hostileType(frame));
            case 4 -> frame.put(pickField(frame), "x".repeat(overLimit()));
            case 5 -> frame.put(pickField(frame), badChannel());
            case 6 -> frame.set(pickField(frame), nested(40 + random.nextInt(200)));
            case 7 -> mutateNested(frame);
            default -> {
                return batchOf(frame);
            }
        }
        return frame;
    }

    /** A text mutation of an encoded message. */
    String mutateText(String text) {
        int at = text.isEmpty() ? 0 : random.nextInt(text.length() + 1);
        int to = Math.min(text.length(), at + 1 + random.nextInt(12));
        return switch (random.nextInt(8)) {
            case 0 -> text.substring(0, Math.min(at, text.length()));
            case 1 -> text.substring(0, at) + FLIP_CHARS.charAt(random.nextInt(FLIP_CHARS.length()))
                    + text.substring(Math.min(text.length(), at + 1));
            case 2 -> text.substring(0, at) + text.substring(to);
            case 3 -> text.substring(0, at) + text.substring(at, to) + text.substring(at);
            case 4 -> insertAfterBrace(text, "\"" + randomField() + "\":" + RAW_NUMBERS[random.nextInt(RAW_NUMBERS.length)] + ",");
            case 5 -> insertAfterBrace(text, duplicateKey(text));
            case 6 -> text + NOT_FRAMES[random.nextInt(NOT_FRAMES.length)];
            default -> NOT_FRAMES[random.nextInt(NOT_FRAMES.length)];
        };
    }

    private void removeField(ObjectNode frame) {
        if (!frame.isEmpty()) {
            frame.remove(pickField(frame));
        }
    }

    /** An existing field most of the time, else any field the protocol knows. */
    private String pickField(ObjectNode frame) {
        List<String> names = new ArrayList<>();
        frame.fieldNames().forEachRemaining(names::add);
        return names.isEmpty() || random.nextInt(4) == 0 ? randomField() : names.get(random.nextInt(names.size()));
    }

    private String randomField() {
        return NAMED_FIELDS.get(random.nextInt(NAMED_FIELDS.size()));
    }

    /** The same mutation one level down: in {@code since}, {@code positions}, {@code heartbeat}, {@code data}. */
    private void mutateNested(ObjectNode frame) {
        for (JsonNode child : frame) {
            if (child instanceof ObjectNode inner && random.nextBoolean()) {
                if (inner.isEmpty() || random.nextBoolean()) {
                    inner.set(randomField(), hostileValue());
                } else {
                    inner.set(pickField(inner), hostileValue());
                }
                return;
            }
        }
        frame.set("since", grammar.position().set("seq", hostileValue()));
    }

    /** A value of some other type, or an extreme of the right one. */
    JsonNode hostileValue() {
        return switch (random.nextInt(12)) {
            case 0 -> nodes.nullNode();
            case 1 -> nodes.booleanNode(random.nextBoolean());
            case 2 -> nodes.numberNode(grammar.anyLong());
            case 3 -> nodes.numberNode(-1 - random.nextInt(1_000));
            case 4 -> nodes.numberNode(BigInteger.TWO.pow(63 + random.nextInt(100)).negate().pow(1 + random.nextInt(2)));
            case 5 -> nodes.numberNode(random.nextBoolean() ? 0.5 : -1e300);
            case 6 -> nodes.textNode(NAN_ISH[random.nextInt(NAN_ISH.length)]);
            case 7 -> nodes.textNode(grammar.text(64));
            case 8 -> nodes.arrayNode().add(grammar.data(2));
            case 9 -> nodes.objectNode().set("seq", grammar.data(1));
            case 10 -> nested(1 + random.nextInt(80));
            default -> grammar.data(3);
        };
    }

    private JsonNode hostileType(ObjectNode frame) {
        String type = frame.path("type").asText("ping");
        return switch (random.nextInt(6)) {
            case 0 -> nodes.textNode(type.toUpperCase(java.util.Locale.ROOT));
            case 1 -> nodes.textNode(type + " ");
            case 2 -> nodes.textNode("launch");
            case 3 -> nodes.textNode("");
            case 4 -> nodes.textNode("t".repeat(FieldReader.MAX_NAME_LENGTH + 1));
            default -> hostileValue();
        };
    }

    /** A length just over one of the decoder's limits, or far over. */
    private int overLimit() {
        int[] limits = {Channels.MAX_LENGTH, FieldReader.MAX_NAME_LENGTH, FieldReader.MAX_ID_LENGTH,
            FieldReader.MAX_EPOCH_LENGTH, FieldReader.MAX_TEXT_LENGTH, FieldReader.MAX_TOKEN_LENGTH};
        int limit = limits[random.nextInt(limits.length)];
        return random.nextInt(10) == 0 ? limit * 2 : limit + 1;
    }

    private String badChannel() {
        String[] bad = {"", " ", "a b", "a/b", "a\u0000", "é", "\uD800", "a\n", "*", "a,b", "#", "c".repeat(129)};
        return bad[random.nextInt(bad.length)];
    }

    /** Arrays and objects nested {@code depth} deep. */
    private JsonNode nested(int depth) {
        JsonNode node = nodes.numberNode(1);
        for (int i = 0; i < depth; i++) {
            node = random.nextBoolean() ? nodes.arrayNode().add(node) : nodes.objectNode().set("k", node);
        }
        return node;
    }

    /** The frame where a batch would be, or a batch with something else in it; now and then over the size limit. */
    private JsonNode batchOf(ObjectNode frame) {
        ArrayNode batch = nodes.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
            batch.add(random.nextInt(8) == 0 ? hostileValue() : frame);
        }
        if (random.nextInt(20) == 0) {
            // The count is checked before any element is read, so small elements make the point cheaply.
            for (int i = batch.size(); i <= FrameCodec.MAX_BATCH_FRAMES; i++) {
                batch.add(i);
            }
        }
        return random.nextInt(4) == 0 ? nodes.arrayNode().add(batch) : batch;
    }

    /** One field given twice (a third time when the text has it too): the decoder must take one, consistently. */
    private String duplicateKey(String text) {
        String field = randomField();
        return "\"" + field + "\":" + (text.contains("\"" + field + "\"") ? "\"dup\"" : "1") + ",\"" + field + "\":"
                + RAW_NUMBERS[random.nextInt(RAW_NUMBERS.length)] + ",";
    }

    private static String insertAfterBrace(String text, String insertion) {
        int brace = text.indexOf('{');
        return brace < 0 ? insertion + text : text.substring(0, brace + 1) + insertion + text.substring(brace + 1);
    }
}
