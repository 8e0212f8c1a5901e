package io.pushwire.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed input always yields a precise {@link ProtocolException}, never an unchecked crash. */
class FrameCodecMalformedInputTest {
    private static final FrameCodec CODEC = new FrameCodec();

    static Stream<Arguments> malformed() {
        String longChannel = "c".repeat(129);
        return Stream.of(
                bad("", "bad_request", "empty message"),
                bad("   ", "bad_request", "empty message"),
                bad("{", "bad_request", "malformed JSON"),
                bad("{\"type\":\"ping\"} trailing", "bad_request", "malformed JSON"),
                bad("not json", "bad_request", "malformed JSON"),
                bad("42", "bad_request", "a message must be a JSON object or an array of objects, got an integer"),
                bad("\"hello\"", "bad_request", "got a string"),
                bad("[]", "bad_request", "a batch array must hold at least one frame"),
                bad("[1]", "bad_request", "batch element 0: a frame must be a JSON object, got an integer"),
                bad("[{\"type\":\"ping\"},{\"id\":3}]", "bad_request", "batch element 1: field 'type' is required"),
                bad("{}", "bad_request", "field 'type' is required"),
                bad("{\"type\":null}", "bad_request", "field 'type' is required"),
                bad("{\"type\":7}", "bad_request", "field 'type' must be a string, got an integer"),
                bad("{\"type\":\"launch\"}", "bad_request", "unknown frame type 'launch'"),
                bad("{\"type\":\"hello\",\"id\":1}", "bad_request", "field 'protocol' is required"),
                bad("{\"type\":\"hello\",\"id\":1,\"protocol\":\"1\"}", "bad_request",
                        "field 'protocol' must be an integer, got a string"),
                bad("{\"type\":\"hello\",\"id\":1.5,\"protocol\":1}", "bad_request",
                        "field 'id' must be an integer, got a fractional number"),
                bad("{\"type\":\"hello\",\"id\":\"x\",\"protocol\":1}", "bad_request",
                        "field 'id' must be an integer, got a string"),
                bad("{\"type\":\"hello\",\"id\":99999999999999999999999,\"protocol\":1}", "bad_request",
                        "field 'id' must be an integer, got an integer out of range"),
                bad("{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"token\":\"" + "t".repeat(8193) + "\"}", "too_large",
                        "field 'token' is 8193 characters, the limit is 8192"),
                bad("{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"positions\":[]}", "bad_request",
                        "field 'positions' must be an object of channel to {seq, epoch}, got an array"),
                bad("{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"positions\":{\"a b\":{\"seq\":1,\"epoch\":\"e\"}}}",
                        "bad_request", "field 'positions' names an invalid channel 'a b'"),
                bad("{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"positions\":{\"a\":{\"seq\":-1,\"epoch\":\"e\"}}}",
                        "bad_request", "field 'positions.a': field 'seq' must be >= 0, got -1"),
                bad("{\"type\":\"subscribe\",\"id\":2}", "bad_request", "field 'channel' is required"),
                bad("{\"type\":\"subscribe\",\"id\":2,\"channel\":5}", "bad_request",
                        "field 'channel' must be a string, got an integer"),
                bad("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"\"}", "bad_request",
                        "field 'channel': channel name is empty"),
                bad("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"" + longChannel + "\"}", "too_large",
                        "field 'channel' is 129 characters, the limit is 128"),
                bad("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"a/b\"}", "bad_request",
                        "channel name 'a/b' has characters outside [A-Za-z0-9._:@$-]"),
                bad("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"a\",\"mode\":\"fast\"}", "bad_request",
                        "field 'mode' must be 'all' or 'conflate', got 'fast'"),
                bad("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"a\",\"since\":5}", "bad_request",
                        "field 'since' must be an object {seq, epoch}, got an integer"),
                bad("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"a\",\"since\":{\"seq\":1}}", "bad_request",
                        "field 'since': field 'epoch' is required"),
                bad("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"a\",\"snapshot\":\"yes\"}", "bad_request",
                        "field 'snapshot' must be true or false, got a string"),
                bad("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"a\",\"intervalMs\":-5}", "bad_request",
                        "field 'intervalMs' must be >= 0, got -5"),
                bad("{\"type\":\"publish\",\"id\":3,\"channel\":\"a\"}", "bad_request", "field 'data' is required"),
                bad("{\"type\":\"publish\",\"id\":3,\"channel\":\"a\",\"data\":1e400}", "bad_request",
                        "field 'data' holds a number beyond the range of a double"),
                bad("{\"type\":\"event\",\"channel\":\"a\",\"seq\":1,\"epoch\":\"e\",\"ts\":1,\"data\":{\"p\":[1,-1.8e308]}}",
                        "bad_request", "field 'data' holds a number beyond the range of a double"),
                bad("{\"type\":\"refresh\",\"id\":3}", "bad_request", "field 'token' is required"),
                bad("{\"type\":\"ping\",\"ts\":\"now\"}", "bad_request", "field 'ts' must be an integer, got a string"),
                bad("{\"type\":\"event\",\"channel\":\"a\",\"seq\":1,\"epoch\":\"e\",\"ts\":1}", "bad_request",
                        "field 'data' is required"),
                bad("[" + "{\"type\":\"ping\"},".repeat(1024) + "{\"type\":\"ping\"}]", "too_large",
                        "a batch holds 1025 frames, the limit is 1024"),
                bad("{\"type\":\"publish\",\"id\":3,\"channel\":\"a\",\"data\":" + "[".repeat(100) + "]".repeat(100) + "}",
                        "bad_request", "malformed JSON"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedInputYieldsPreciseError(String json, String code, String messagePart) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> CODEC.decode(json));
        assertEquals(code, e.errorCode(), e.getMessage());
        if (!e.getMessage().contains(messagePart)) {
            throw new AssertionError("expected message containing <" + messagePart + "> but was <" + e.getMessage() + ">");
        }
    }

    @Test
    void errorCarriesTheRequestIdWhenItCouldBeRead() {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> CODEC.decode("{\"type\":\"subscribe\",\"id\":7,\"channel\":\"bad channel\"}"));
        assertEquals(7L, e.requestId());
        assertEquals(ErrorFrame.of(7L, ErrorCode.BAD_REQUEST, e.getMessage()), e.toFrame());
    }

    @Test
    void errorHasNoRequestIdWhenTheIdItselfIsBroken() {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> CODEC.decode("{\"type\":\"subscribe\",\"id\":\"7\",\"channel\":\"a\"}"));
        assertNull(e.requestId());
    }

    @Test
    void unknownFieldsAreIgnored() {
        assertEquals(Subscribe.of(2, "a"),
                CODEC.decodeOne("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"a\",\"future\":{\"x\":[1]}}"));
    }

    @Test
    void dataNumbersUpToTheRangeOfADoubleRoundTrip() {
        String json = "{\"type\":\"publish\",\"id\":3,\"channel\":\"a\",\"data\":[1.7976931348623157E308,-4.9E-324,"
                + "123456789012345678901234567890]}";
        Frame publish = CODEC.decodeOne(json);
        assertEquals(json, CODEC.encode(publish));
    }

    @Test
    void nullOptionalFieldsCountAsAbsent() {
        assertEquals(Subscribe.of(2, "a"),
                CODEC.decodeOne("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"a\",\"since\":null,\"mode\":null}"));
    }

    private static Arguments bad(String json, String code, String messagePart) {
        return Arguments.of(json, code, messagePart);
    }
}
