package io.pushwire.server.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pushwire.protocol.ErrorFrame;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.Goaway;
import io.pushwire.protocol.Status;
import io.pushwire.protocol.Welcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Messages a fuzzed client sends: every client frame, valid in itself but in any order (subscribe before
 * hello, hello twice, publish where it may not, refresh without a session), with values drawn from what
 * the run has seen (real session ids and resume tokens, real epochs) as well as made up; batches of them;
 * frames broken in their fields or their text; server frames sent the wrong way; and plain garbage.
 */
final class SessionFrames {
    static final List<String> CHANNELS = List.of("news.a", "news.b", "news.low.c", "chat.room", "sim.trades.BTC-USDT",
            "sim.ticker.BTC-USDT", "sim.nope", "$me", "$other", "other.x", "Z");
    private static final String[] GARBAGE = {"", " ", "null", "[]", "{}", "[{}]", "42", "\"hello\"", "{\"type\":\"launch\"}",
        "{\"type\":\"ping\"", "[{\"type\":\"ping\"},7]", "{\"type\":\"ping\",\"ts\":1e400}", "\u0000", "{\"type\":\"\uD800\"}"};
    private static final String[] SUBJECTS = {"alice", "bob"};

    private final SplittableRandom random;
    private final FrameCodec codec;
    private final FuzzTokens tokens;
    private final LongSupplier clock;
    private final JsonNodeFactory nodes = JsonNodeFactory.instance;
    /** Sessions the run has been welcomed to, for resumes (right or wrong). */
    private final List<Welcome> welcomes = new ArrayList<>();
    /** The epoch each channel replied with, for {@code since} and {@code positions}. */
    private final Map<String, String> epochs = new HashMap<>();
    private long nextId = 1;

    /** {@code tokens} is null for a server without authentication. */
    SessionFrames(SplittableRandom random, FrameCodec codec, FuzzTokens tokens, LongSupplier clock) {
        this.random = random;
        this.codec = codec;
        this.tokens = tokens;
        this.clock = clock;
    }

    void sawWelcome(Welcome welcome) {
        welcomes.add(welcome);
    }

    void sawEpoch(String channel, String epoch) {
        epochs.put(channel, epoch);
    }

    /** The next message of a client that has ({@code welcomed}) or has not been welcomed yet. */
    String message(boolean welcomed) {
        int roll = random.nextInt(100);
        if (!welcomed && roll < 85 || roll < 5) {
            return json(hello());
        }
        if (roll < 15) {
            List<String> batch = new ArrayList<>();
            for (int n = 2 + random.nextInt(3); n > 0; n--) {
                batch.add(json(random.nextInt(4) == 0 ? hello() : frame()));
            }
            return FrameCodec.joinBatch(batch);
        }
        if (roll < 30) {
            return broken(frame());
        }
        if (roll < 34) {
            return GARBAGE[random.nextInt(GARBAGE.length)];
        }
        if (roll < 38) {
            return serverFrame();
        }
        return json(frame());
    }

    /** A valid message over {@code maxBytes}: a publish whose data is too long a string. */
    String oversized(int maxBytes) {
        ObjectNode publish = request("publish").put("channel", "chat.room");
        publish.put("data", "é".repeat(maxBytes / 2 + 1));
        return json(publish);
    }

    String ping() {
        return json(nodes.objectNode().put("type", "ping").put("ts", random.nextLong(1_000_000)));
    }

    private ObjectNode hello() {
        ObjectNode hello = request("hello").put("protocol", random.nextInt(20) == 0 ? 2 : 1);
        if (tokens != null || random.nextInt(4) == 0) {
            hello.put("token", token());
        }
        if (!welcomes.isEmpty() && random.nextInt(3) == 0) {
            // Recent sessions are the ones that can still be resumed (or taken over).
            Welcome known = welcomes.get(welcomes.size() - 1 - random.nextInt(Math.min(welcomes.size(), 6)));
            hello.put("clientId", random.nextInt(8) == 0 ? "NOSUCHCLIENT" : known.clientId());
            if (random.nextInt(8) > 0) {
                hello.put("resumeToken", random.nextInt(6) == 0 ? known.resumeToken() + "x" : known.resumeToken());
            }
            if (random.nextBoolean()) {
                ObjectNode positions = hello.putObject("positions");
                for (int n = random.nextInt(3); n > 0; n--) {
                    positions.set(channel(), position());
                }
            }
        } else if (random.nextInt(10) == 0) {
            hello.put(random.nextBoolean() ? "clientId" : "resumeToken", "garbage-" + random.nextInt(100));
        }
        return hello;
    }

    private ObjectNode frame() {
        return switch (random.nextInt(9)) {
            case 0, 1 -> subscribe();
            case 2 -> request("unsubscribe").put("channel", channel());
            case 3 -> (ObjectNode) request("publish").put("channel", channel()).set("data", data());
            case 4 -> request("refresh").put("token", token());
            case 5, 6 -> nodes.objectNode().put("type", "ping").put("ts", random.nextLong(1_000_000));
            case 7 -> nodes.objectNode().put("type", "pong");
            default -> hello();
        };
    }

    private ObjectNode subscribe() {
        ObjectNode subscribe = request("subscribe").put("channel", channel());
        if (random.nextInt(3) == 0) {
            subscribe.set("since", position());
        }
        if (random.nextInt(3) == 0) {
            subscribe.put("mode", random.nextBoolean() ? "conflate" : "all");
        }
        if (random.nextInt(4) == 0) {
            subscribe.put("intervalMs", random.nextInt(5) == 0 ? 61_000 : random.nextInt(2_000));
        }
        if (random.nextInt(4) == 0) {
            subscribe.put("snapshot", random.nextBoolean());
        }
        return subscribe;
    }

    /** A request with a fresh id, now and then a reused or missing one. */
    private ObjectNode request(String type) {
        ObjectNode request = nodes.objectNode().put("type", type);
        int roll = random.nextInt(10);
        if (roll > 1) {
            request.put("id", nextId++);
        } else if (roll == 1) {
            request.put("id", 1);
        }
        return request;
    }

    private String channel() {
        return random.nextInt(20) == 0 ? "fresh." + random.nextInt(1_000) : CHANNELS.get(random.nextInt(CHANNELS.size()));
    }

    /** A position in a known epoch (behind or ahead of the head) or in an unknown one. */
    private ObjectNode position() {
        List<String> known = new ArrayList<>(epochs.values());
        String epoch = known.isEmpty() || random.nextInt(4) == 0 ? "NOSUCHEPOCH" : known.get(random.nextInt(known.size()));
        long seq = random.nextInt(5) == 0 ? random.nextLong(Long.MAX_VALUE) : random.nextInt(60);
        return nodes.objectNode().put("seq", seq).put("epoch", epoch);
    }

    /** A token the server accepts, an expired one, another subject's, a broken one, or none at all. */
    private String token() {
        if (tokens == null) {
            return "ignored-without-auth";
        }
        long now = clock.getAsLong();
        String subject = SUBJECTS[random.nextInt(SUBJECTS.length)];
        return switch (random.nextInt(8)) {
            case 0 -> tokens.mint(subject, now - 120_000);
            case 1 -> tokens.mint(subject, now - 30_000 + random.nextInt(20_000));
            case 2 -> flipClaims(tokens.mint(subject, now + 600_000));
            case 3 -> "not-a-jwt";
            default -> tokens.mint(subject, now + random.nextInt(600_000));
        };
    }

    private JsonNode data() {
        return switch (random.nextInt(4)) {
            case 0 -> nodes.numberNode(random.nextInt());
            case 1 -> nodes.textNode("text-" + random.nextInt(100));
            case 2 -> nodes.objectNode().put("price", random.nextDouble()).put("n", random.nextInt(10));
            default -> nodes.nullNode();
        };
    }

    /** A frame only a server sends, valid as such. */
    private String serverFrame() {
        return codec.encode(switch (random.nextInt(5)) {
            case 0 -> new Event("news.a", 1 + random.nextInt(9), "E", 1L, nodes.numberNode(1));
            case 1 -> new Gap("news.a", 1, 2, "conflated");
            case 2 -> new Status("news.a", true, null);
            case 3 -> new Goaway("bye", 10);
            default -> ErrorFrame.of(null, "bad_request", "you first");
        });
    }

    /** One field of a frame given a value of the wrong type, removed, or the text cut or flipped. */
    private String broken(ObjectNode frame) {
        List<String> fields = new ArrayList<>();
        frame.fieldNames().forEachRemaining(fields::add);
        String field = fields.get(random.nextInt(fields.size()));
        switch (random.nextInt(6)) {
            case 0 -> frame.remove(field);
            case 1 -> frame.set(field, frame.get(field).isTextual() ? nodes.numberNode(7) : nodes.textNode("7"));
            case 2 -> frame.set(field, nodes.numberNode(-1));
            case 3 -> frame.set(field, nodes.arrayNode().add(frame.get(field)));
            case 4 -> {
                String text = json(frame);
                return text.substring(0, random.nextInt(text.length()));
            }
            default -> {
                return flip(json(frame));
            }
        }
        return json(frame);
    }

    /** The text with one character replaced by another that matters to JSON or to a token. */
    private String flip(String text) {
        return flip(text, text.length());
    }

    /**
     * A token with a character of its header or claims replaced, which breaks its signature. (In the
     * signature itself the last character carries unused bits, so a change there can leave it valid.)
     */
    private String flipClaims(String token) {
        return flip(token, token.lastIndexOf('.'));
    }

    private String flip(String text, int before) {
        String replacements = "\"{}[],:.\\0aZ_-";
        int at = random.nextInt(before);
        String replaced = text.substring(0, at) + replacements.charAt(random.nextInt(replacements.length())) + text.substring(at + 1);
        return replaced.equals(text) ? text + "x" : replaced;
    }

    private String json(JsonNode node) {
        try {
            return codec.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}
