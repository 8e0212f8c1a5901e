package io.pushwire.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random frames that protocol v1 accepts, as JSON trees: every client type and every server type, with
 * optional fields present, absent or explicitly {@code null}, and values anywhere in their legal range
 * (limits included). Fields it adds that the protocol does not know start with {@link #UNKNOWN_PREFIX},
 * so that a test can tell them from the frame's own.
 */
final class FrameGrammar {
    static final String UNKNOWN_PREFIX = "unknown";
    static final List<String> CLIENT_TYPES = List.of("hello", "subscribe", "unsubscribe", "publish", "refresh", "ping", "pong");
    static final List<String> SERVER_TYPES = List.of("welcome", "subscribed", "event", "gap", "status", "unsubscribed",
            "error", "goaway");
    private static final String CHANNEL_CHARS = "ABCXYZabcxyz0189._:@$-";
    private static final List<String> REAL_CHANNELS = List.of("sim.trades.BTC-USDT", "sim.ticker.ETH-USDT", "$me",
            "chat:room-1", "news.a", "a", "binance.trades.BTC-USDT");
    /** Characters that stress an encoder: quotes, escapes, controls, non-ASCII, a surrogate pair, lone surrogates. */
    private static final String[] TRICKY = {"\"", "\\", "/", "\n", "\u0000", "\u001f", "\u007f", "é", "€", "\u2028",
        "\uD83D\uDE00", "\uD800", "\uDC00", "\uFEFF", "<", "'"};

    private final SplittableRandom random;
    private final JsonNodeFactory nodes = JsonNodeFactory.instance;

    FrameGrammar(SplittableRandom random) {
        this.random = random;
    }

    /** One frame; four in five are client frames, which is what a server reads. */
    ObjectNode frame() {
        List<String> types = random.nextInt(5) == 0 ? SERVER_TYPES : CLIENT_TYPES;
        return frame(types.get(random.nextInt(types.size())));
    }

    ObjectNode frame(String type) {
        ObjectNode frame = nodes.objectNode().put("type", type);
        switch (type) {
            case "hello" -> hello(frame);
            case "subscribe" -> subscribe(frame);
            case "unsubscribe", "unsubscribed" -> request(frame).put("channel", channel());
            case "publish" -> request(frame).put("channel", channel()).set("data", data(random.nextInt(8)));
            case "refresh" -> request(frame).put("token", text(FieldReader.MAX_TOKEN_LENGTH));
            case "ping", "pong" -> optional(frame, "ts", nodes.numberNode(anyLong()));
            case "welcome" -> welcome(frame);
            case "subscribed" -> request(frame).put("channel", channel()).put("epoch", epoch()).put("seq", seq())
                    .put("recovered", random.nextBoolean()).put("replayed", seq());
            case "event" -> frame.put("channel", channel()).put("seq", seq()).put("epoch", epoch()).put("ts", anyLong())
                    .set("data", data(random.nextInt(8)));
            case "gap" -> frame.put("channel", channel()).put("fromSeq", seq()).put("toSeq", seq())
                    .put("reason", text(FieldReader.MAX_NAME_LENGTH));
            case "status" -> optional(frame.put("channel", channel()).put("stale", random.nextBoolean()), "reason",
                    nodes.textNode(text(FieldReader.MAX_TEXT_LENGTH)));
            case "error" -> optional(request(frame).put("code", text(FieldReader.MAX_NAME_LENGTH))
                    .put("message", text(FieldReader.MAX_TEXT_LENGTH)).put("temporary", random.nextBoolean()),
                    "retryAfterMs", nodes.numberNode(seq()));
            case "goaway" -> frame.put("reason", text(FieldReader.MAX_TEXT_LENGTH)).put("reconnectAfterMs", seq());
            default -> throw new IllegalArgumentException("no grammar for " + type);
        }
        if (random.nextInt(6) == 0) {
            frame.set(UNKNOWN_PREFIX + random.nextInt(1000), data(3));
        }
        return frame;
    }

    private void hello(ObjectNode frame) {
        request(frame).put("protocol", random.nextInt(8) == 0 ? random.nextInt() : ProtocolVersion.V1);
        optional(frame, "token", nodes.textNode(text(FieldReader.MAX_TOKEN_LENGTH)));
        optional(frame, "clientId", nodes.textNode(text(FieldReader.MAX_ID_LENGTH)));
        optional(frame, "resumeToken", nodes.textNode(text(FieldReader.MAX_ID_LENGTH)));
        ObjectNode positions = nodes.objectNode();
        for (int i = random.nextInt(4); i > 0; i--) {
            positions.set(channel(), position());
        }
        optional(frame, "positions", positions);
    }

    private void subscribe(ObjectNode frame) {
        request(frame).put("channel", channel());
        optional(frame, "since", position());
        optional(frame, "mode", nodes.textNode(random.nextBoolean() ? "all" : "conflate"));
        optional(frame, "intervalMs", nodes.numberNode(seq()));
        optional(frame, "snapshot", nodes.booleanNode(random.nextBoolean()));
    }

    private void welcome(ObjectNode frame) {
        request(frame).put("clientId", text(FieldReader.MAX_ID_LENGTH)).put("resumeToken", text(FieldReader.MAX_ID_LENGTH))
                .put("resumed", random.nextBoolean());
        frame.putObject("heartbeat").put("intervalMs", seq()).put("timeoutMs", seq());
        frame.putObject("limits").put("ratePerSec", random.nextInt()).put("burst", random.nextInt())
                .put("maxFrameBytes", random.nextInt());
        frame.put("sessionTtlMs", seq());
    }

    /** A request's optional {@code id}. */
    private ObjectNode request(ObjectNode frame) {
        return optional(frame, "id", nodes.numberNode(anyLong()));
    }

    /** Present, absent, or (one time in eight) an explicit null, which counts as absent. */
    private ObjectNode optional(ObjectNode frame, String field, JsonNode value) {
        int roll = random.nextInt(8);
        if (roll == 0) {
            frame.putNull(field);
        } else if (roll < 5) {
            frame.set(field, value);
        }
        return frame;
    }

    ObjectNode position() {
        return nodes.objectNode().put("seq", seq()).put("epoch", epoch());
    }

    String channel() {
        if (random.nextInt(3) > 0) {
            return REAL_CHANNELS.get(random.nextInt(REAL_CHANNELS.size()));
        }
        int length = random.nextInt(8) == 0 ? Channels.MAX_LENGTH : 1 + random.nextInt(20);
        StringBuilder name = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            name.append(CHANNEL_CHARS.charAt(random.nextInt(CHANNEL_CHARS.length())));
        }
        return name.toString();
    }

    private String epoch() {
        String epoch = text(FieldReader.MAX_EPOCH_LENGTH);
        return epoch.isEmpty() ? "E" : epoch;
    }

    /** A seq, count or duration: any value >= 0, edges included. */
    long seq() {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> Long.MAX_VALUE;
            case 2 -> random.nextLong(Long.MAX_VALUE);
            default -> random.nextInt(100_000);
        };
    }

    long anyLong() {
        return switch (random.nextInt(5)) {
            case 0 -> Long.MIN_VALUE;
            case 1 -> Long.MAX_VALUE;
            case 2 -> random.nextLong();
            default -> random.nextInt(2_000) - 1_000;
        };
    }

    /** A string of at most {@code maxLength} characters; now and then exactly the limit. */
    String text(int maxLength) {
        int length = random.nextInt(40) == 0 ? maxLength : random.nextInt(Math.min(maxLength, 40) + 1);
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            if (random.nextInt(6) == 0) {
                String tricky = TRICKY[random.nextInt(TRICKY.length)];
                if (text.length() + tricky.length() <= length) {
                    text.append(tricky);
                    continue;
                }
            }
            text.append((char) (' ' + random.nextInt(95)));
        }
        return text.toString();
    }

    /** Any JSON value, nested at most {@code depth} more levels. */
    JsonNode data(int depth) {
        int kinds = depth > 0 ? 9 : 7;
        return switch (random.nextInt(kinds)) {
            case 0 -> nodes.nullNode();
            case 1 -> nodes.booleanNode(random.nextBoolean());
            case 2 -> nodes.numberNode(anyLong());
            case 3 -> nodes.numberNode(finiteDouble());
            case 4 -> nodes.numberNode(new java.math.BigInteger(70 + random.nextInt(60), new java.util.Random(random.nextLong())));
            case 5, 6 -> nodes.textNode(text(60));
            case 7 -> {
                ArrayNode array = nodes.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(data(depth - 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = nodes.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.set(text(12), data(depth - 1));
                }
                yield object;
            }
        };
    }

    private double finiteDouble() {
        return switch (random.nextInt(6)) {
            case 0 -> -0.0;
            case 1 -> Double.MAX_VALUE;
            case 2 -> Double.MIN_VALUE;
            default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20);
        };
    }
}
