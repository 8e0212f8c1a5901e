package io.pushwire.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads and writes protocol v1 frames.
 *
 * <p>Decoding is explicit rather than annotation driven so that every malformed input yields a
 * {@link ProtocolException} naming the field and the rule it broke, in words a third-party client
 * author understands, and never an unchecked Jackson or {@code NullPointerException}. Unknown fields are
 * ignored. A message may hold one frame object or a JSON array of them (a batch).
 *
 * <p>Instances are immutable and thread-safe; share one.
 */
public final class FrameCodec {
    /** Deepest JSON nesting accepted, in frames and their {@code data}. */
    public static final int MAX_NESTING_DEPTH = 64;
    /** Most frames accepted in one batch array. */
    public static final int MAX_BATCH_FRAMES = 1024;

    private final JsonMapper mapper;

    /**
     * Checks event data that did not come through this decoder (an HTTP publish): its numbers must fit a
     * double, as {@code data} in a frame must, or subscribers would get {@code "Infinity"} for {@code 1e400}.
     */
    public static JsonNode requireFiniteData(JsonNode data) {
        if (!FieldReader.numbersFinite(data)) {
            throw ProtocolException.badRequest("data holds a number beyond the range of a double (about 1.8e308)");
        }
        return data;
    }

    public FrameCodec() {
        // Jackson's default buffer recycling is per thread; with a virtual thread per connection that is a
        // set of buffers per connection, held softly (measured: ~16 KiB of char[] per idle connection).
        // One shared pool serves every thread.
        JsonFactory factory = JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build();
        this.mapper = JsonMapper.builder(factory)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                // "{...} garbage" is one malformed message, not a frame followed by noise.
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .build());
    }

    /** The mapper used for frames, for building {@code data} values with the same settings. */
    public JsonMapper mapper() {
        return mapper;
    }

    /**
     * Decodes one message: a single frame or a batch array.
     *
     * @throws ProtocolException if the text is not valid JSON or any frame breaks the protocol
     */
    public List<Frame> decode(String text) {
        JsonNode root = parse(text);
        if (root.isObject()) {
            return List.of(decodeFrame(root));
        }
        if (!root.isArray()) {
            throw ProtocolException.badRequest("a message must be a JSON object or an array of objects, got "
                    + FieldReader.kind(root));
        }
        if (root.isEmpty()) {
            throw ProtocolException.badRequest("a batch array must hold at least one frame");
        }
        if (root.size() > MAX_BATCH_FRAMES) {
            throw new ProtocolException(ErrorCode.TOO_LARGE,
                    "a batch holds " + root.size() + " frames, the limit is " + MAX_BATCH_FRAMES, null, null);
        }
        List<Frame> frames = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            try {
                frames.add(decodeFrame(root.get(i)));
            } catch (ProtocolException e) {
                throw new ProtocolException(e.errorCode(), "batch element " + i + ": " + e.getMessage(),
                        e.requestId(), e);
            }
        }
        return frames;
    }

    /** Decodes a message that must hold exactly one frame. */
    public Frame decodeOne(String text) {
        JsonNode root = parse(text);
        return decodeFrame(root);
    }

    /** Decodes one frame from its JSON tree. */
    public Frame decodeFrame(JsonNode node) {
        if (!node.isObject()) {
            throw ProtocolException.badRequest("a frame must be a JSON object, got " + FieldReader.kind(node));
        }
        FieldReader in = new FieldReader((ObjectNode) node);
        Long id = in.optionalRequestId();
        try {
            return decodeByType(in, id);
        } catch (ProtocolException e) {
            throw e.withRequestId(id);
        }
    }

    private Frame decodeByType(FieldReader in, Long id) {
        String type = in.requiredString("type", FieldReader.MAX_NAME_LENGTH);
        return switch (type) {
            case "hello" -> new Hello(id, in.requiredInt("protocol"), in.optionalString("token", FieldReader.MAX_TOKEN_LENGTH),
                    in.optionalString("clientId", FieldReader.MAX_ID_LENGTH),
                    in.optionalString("resumeToken", FieldReader.MAX_ID_LENGTH), in.optionalPositions("positions"));
            case "subscribe" -> new Subscribe(id, in.channel("channel"), in.optionalPosition("since"),
                    in.optionalMode("mode"), in.optionalNonNegativeLong("intervalMs"), in.optionalBoolean("snapshot"));
            case "unsubscribe" -> new Unsubscribe(id, in.channel("channel"));
            case "publish" -> new Publish(id, in.channel("channel"), in.requiredData("data"));
            case "refresh" -> new Refresh(id, in.requiredString("token", FieldReader.MAX_TOKEN_LENGTH));
            case "ping" -> new Ping(in.optionalLong("ts"));
            case "pong" -> new Pong(in.optionalLong("ts"));
            case "welcome" -> new Welcome(id, in.requiredString("clientId", FieldReader.MAX_ID_LENGTH),
                    in.requiredString("resumeToken", FieldReader.MAX_ID_LENGTH), in.requiredBoolean("resumed"),
                    in.heartbeat("heartbeat"), in.limits("limits"), in.requiredNonNegativeLong("sessionTtlMs"));
            case "subscribed" -> new Subscribed(id, in.channel("channel"), in.epoch("epoch"),
                    in.requiredNonNegativeLong("seq"), in.requiredBoolean("recovered"),
                    in.requiredNonNegativeLong("replayed"));
            case "event" -> new Event(in.channel("channel"), in.requiredNonNegativeLong("seq"), in.epoch("epoch"),
                    in.requiredLong("ts"), in.requiredData("data"));
            case "gap" -> new Gap(in.channel("channel"), in.requiredNonNegativeLong("fromSeq"),
                    in.requiredNonNegativeLong("toSeq"), in.requiredString("reason", FieldReader.MAX_NAME_LENGTH));
            case "status" -> new Status(in.channel("channel"), in.requiredBoolean("stale"),
                    in.optionalString("reason", FieldReader.MAX_TEXT_LENGTH));
            case "unsubscribed" -> new Unsubscribed(id, in.channel("channel"));
            case "error" -> new ErrorFrame(id, in.requiredString("code", FieldReader.MAX_NAME_LENGTH),
                    in.requiredString("message", FieldReader.MAX_TEXT_LENGTH), in.optionalBoolean("temporary") == Boolean.TRUE,
                    in.optionalNonNegativeLong("retryAfterMs"));
            case "goaway" -> new Goaway(in.requiredString("reason", FieldReader.MAX_TEXT_LENGTH),
                    in.requiredNonNegativeLong("reconnectAfterMs"));
            default -> throw ProtocolException.badRequest("unknown frame type '" + type + "'");
        };
    }

    /** The wire name of a frame's type, as in its {@code "type"} field. */
    public static String typeName(Frame frame) {
        return frame.getClass().getAnnotation(JsonTypeName.class).value();
    }

    /** Encodes one frame as a JSON object. */
    public String encode(Frame frame) {
        try {
            return mapper.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            // Records of this package always serialize; this means a broken data node.
            throw new UncheckedIOException("cannot encode " + frame.getClass().getSimpleName(), e);
        }
    }

    /** Encodes frames as one message: the frame itself when there is one, else a batch array. */
    public String encodeBatch(List<? extends Frame> frames) {
        if (frames.size() == 1) {
            return encode(frames.get(0));
        }
        List<String> encoded = new ArrayList<>(frames.size());
        for (Frame frame : frames) {
            encoded.add(encode(frame));
        }
        return joinBatch(encoded);
    }

    /**
     * Joins frames that are already encoded into one batch message. This is how a server sends one
     * encoded event to many sessions without encoding it again for each.
     */
    public static String joinBatch(Collection<String> encodedFrames) {
        if (encodedFrames.size() == 1) {
            return encodedFrames.iterator().next();
        }
        int length = 2 + encodedFrames.size();
        for (String frame : encodedFrames) {
            length += frame.length();
        }
        StringBuilder out = new StringBuilder(length).append('[');
        for (String frame : encodedFrames) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(frame);
        }
        return out.append(']').toString();
    }

    private JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            throw ProtocolException.badRequest("empty message");
        }
        try {
            JsonNode root = mapper.readTree(text);
            if (root == null || root.isMissingNode()) {
                throw ProtocolException.badRequest("empty message");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "malformed JSON: " + e.getOriginalMessage(), null, e);
        }
    }
}
