package io.pushwire.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link FrameCodec#decode}, what the server runs on every inbound message, with a seeded generator
 * and a fixed budget: valid frames of every type from {@link FrameGrammar}, and the same broken by
 * {@link FrameMutator}. Whatever the input, the decoder returns frames or throws a {@link ProtocolException}
 * with {@code bad_request} or {@code too_large}, carrying the request id when the frame's id could be
 * read; anything else escaping (a Jackson exception, an NPE, a stack overflow) fails the run. Valid
 * frames decode to exactly what was sent (unknown fields and explicit nulls aside), and every frame it
 * returns, and every error reply it implies, encodes to text that decodes to an equal frame.
 *
 * <p>{@code -Dpushwire.fuzz.seed=N} replays or varies the run, {@code -Dpushwire.fuzz.iterations=N} sets
 * the number of inputs. A failure names the seed, the case and its input.
 */
class FrameCodecFuzzTest {
    private static final long SEED = Long.getLong("pushwire.fuzz.seed", 20_261_122L);
    private static final int ITERATIONS = Integer.getInteger("pushwire.fuzz.iterations", 60_000);
    /** The codes the decoder itself answers with; the others come from the server's rules. */
    private static final Set<String> DECODER_CODES = Set.of(ErrorCode.BAD_REQUEST, ErrorCode.TOO_LARGE);

    private final FrameCodec codec = new FrameCodec();

    /** One input; {@code expected} is what a valid one must decode to (as JSON), null for a mutated one. */
    private record Case(String text, List<JsonNode> expected) {
    }

    @Test
    void everyInputDecodesOrFailsWithAProtocolError() {
        SplittableRandom master = new SplittableRandom(SEED);
        int valid = 0;
        int refused = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            long caseSeed = master.nextLong();
            Case input = generate(new SplittableRandom(caseSeed));
            try {
                refused += check(input) ? 0 : 1;
            } catch (Throwable failure) { // an AssertionError, or whatever the decoder let escape
                throw new AssertionError("fuzz case " + i + " of seed " + SEED + " (rerun with -Dpushwire.fuzz.seed="
                        + SEED + "): " + failure + "\ninput: " + abbreviate(input.text()), failure);
            }
            valid += input.expected() == null ? 0 : 1;
        }
        // A generator that stopped producing either kind would pass without testing anything.
        assertTrue(valid >= ITERATIONS / 10 && refused >= ITERATIONS / 10, valid + " valid inputs, " + refused + " refused");
    }

    private Case generate(SplittableRandom random) {
        FrameGrammar grammar = new FrameGrammar(random);
        if (random.nextInt(10) < 3) {
            List<ObjectNode> frames = new ArrayList<>();
            for (int n = random.nextInt(5) == 0 ? 1 + random.nextInt(6) : 1; n > 0; n--) {
                frames.add(grammar.frame());
            }
            String text = frames.size() == 1 ? json(frames.get(0)) : json(codec.mapper().valueToTree(frames));
            return new Case(text, frames.stream().map(this::expectedDecoding).toList());
        }
        FrameMutator mutator = new FrameMutator(random, grammar);
        JsonNode message = grammar.frame();
        int treeMutations = random.nextInt(3);
        for (int i = 0; i < treeMutations && message instanceof ObjectNode frame; i++) {
            message = mutator.mutateTree(frame);
        }
        String text = json(message);
        for (int i = treeMutations == 0 ? 1 + random.nextInt(2) : random.nextInt(2); i > 0; i--) {
            text = mutator.mutateText(text);
        }
        return new Case(text, null);
    }

    /** Checks one input; returns whether it decoded. */
    private boolean check(Case input) {
        List<Frame> frames;
        try {
            frames = codec.decode(input.text());
        } catch (ProtocolException e) {
            checkRefusal(e, input.text());
            assertEquals(null, input.expected(), "a valid input was refused: " + e.getMessage());
            return false;
        }
        if (input.expected() != null) {
            assertEquals(input.expected(), frames.stream().map(frame -> tree(codec.encode(frame))).toList(),
                    "a valid input decoded to something else");
        }
        for (Frame frame : frames) {
            assertEquals(frame, codec.decodeOne(codec.encode(frame)), "encode then decode changed the frame");
        }
        assertEquals(frames, codec.decode(codec.encodeBatch(frames)), "the batch did not round-trip");
        return true;
    }

    /** A refusal is one the protocol documents, names the request when it can, and makes a valid error reply. */
    private void checkRefusal(ProtocolException e, String text) {
        assertTrue(DECODER_CODES.contains(e.errorCode()), "undocumented decoder error code " + e.errorCode());
        assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "an error without a message");
        ErrorFrame reply = e.toFrame();
        assertEquals(List.of(reply), codec.decode(codec.encode(reply)), "the error reply is not a valid frame");
        JsonNode id = readableId(text);
        if (id != null) {
            assertEquals(id.longValue(), e.requestId(), "the error does not carry the frame's id");
        }
    }

    /** The frame's {@code id} when the text is one object whose id is an integer, else null. */
    private JsonNode readableId(String text) {
        try {
            JsonNode root = codec.mapper().readTree(text);
            JsonNode id = root == null ? null : root.get("id");
            return root != null && root.isObject() && id != null && id.isIntegralNumber() && id.canConvertToLong() ? id : null;
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    /** What the codec must make of a valid frame: the same JSON without unknown fields and explicit nulls. */
    private JsonNode expectedDecoding(ObjectNode frame) {
        ObjectNode expected = (ObjectNode) tree(json(frame));
        for (Iterator<String> names = frame.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            boolean explicitNull = expected.get(name).isNull() && !name.equals("data");
            if (explicitNull || name.startsWith(FrameGrammar.UNKNOWN_PREFIX)) {
                expected.remove(name);
            }
        }
        return expected;
    }

    private String json(JsonNode node) {
        try {
            return codec.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private JsonNode tree(String text) {
        try {
            return codec.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + abbreviate(text), e);
        }
    }

    /** The input as Java would write it, shortened: enough to replay by hand. */
    private static String abbreviate(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(text.length(), 2_000); i++) {
            char c = text.charAt(i);
            out.append(c >= ' ' && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return text.length() > 2_000 ? out + "... (" + text.length() + " characters)" : out.toString();
    }
}
