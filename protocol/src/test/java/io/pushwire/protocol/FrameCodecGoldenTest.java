package io.pushwire.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every frame of protocol v1 against its golden JSON: decoding the golden text gives the record, and
 * encoding the record gives the golden text byte for byte (field order included).
 */
class FrameCodecGoldenTest {
    private static final FrameCodec CODEC = new FrameCodec();

    static Stream<Arguments> goldens() {
        JsonNode trade = data("{\"price\":\"64123.50\",\"qty\":\"0.0120\",\"side\":\"buy\"}");
        Map<String, Position> positions = new LinkedHashMap<>();
        positions.put("sim.trades.BTC-USDT", new Position(41, "K3F9QZ2M"));
        return Stream.of(
                golden("{\"type\":\"hello\",\"id\":1,\"protocol\":1}", Hello.of(1)),
                golden("{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"token\":\"t\",\"clientId\":\"c1\","
                                + "\"resumeToken\":\"r1\",\"positions\":{\"sim.trades.BTC-USDT\":{\"seq\":41,\"epoch\":\"K3F9QZ2M\"}}}",
                        new Hello(1L, 1, "t", "c1", "r1", positions)),
                golden("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"sim.trades.BTC-USDT\"}",
                        Subscribe.of(2, "sim.trades.BTC-USDT")),
                golden("{\"type\":\"subscribe\",\"id\":3,\"channel\":\"sim.ticker.ETH-USDT\",\"since\":{\"seq\":7,"
                                + "\"epoch\":\"AB12CD34\"},\"mode\":\"conflate\",\"intervalMs\":250,\"snapshot\":true}",
                        new Subscribe(3L, "sim.ticker.ETH-USDT", new Position(7, "AB12CD34"),
                                SubscriptionMode.CONFLATE, 250L, true)),
                golden("{\"type\":\"unsubscribe\",\"id\":4,\"channel\":\"a.b\"}", new Unsubscribe(4L, "a.b")),
                golden("{\"type\":\"publish\",\"id\":5,\"channel\":\"chat:room-1\",\"data\":{\"text\":\"hi\"}}",
                        new Publish(5L, "chat:room-1", data("{\"text\":\"hi\"}"))),
                golden("{\"type\":\"refresh\",\"id\":6,\"token\":\"new-token\"}", new Refresh(6L, "new-token")),
                golden("{\"type\":\"ping\",\"ts\":1700000000000}", new Ping(1_700_000_000_000L)),
                golden("{\"type\":\"ping\"}", new Ping(null)),
                golden("{\"type\":\"pong\",\"ts\":1700000000000}", new Pong(1_700_000_000_000L)),
                golden("{\"type\":\"welcome\",\"id\":1,\"clientId\":\"c-9\",\"resumeToken\":\"secret\",\"resumed\":false,"
                                + "\"heartbeat\":{\"intervalMs\":25000,\"timeoutMs\":10000},"
                                + "\"limits\":{\"ratePerSec\":50,\"burst\":100,\"maxFrameBytes\":65536},\"sessionTtlMs\":120000}",
                        new Welcome(1L, "c-9", "secret", false, new Welcome.Heartbeat(25_000, 10_000),
                                new Welcome.Limits(50, 100, 65_536), 120_000)),
                golden("{\"type\":\"subscribed\",\"id\":2,\"channel\":\"sim.trades.BTC-USDT\",\"epoch\":\"K3F9QZ2M\","
                                + "\"seq\":42,\"recovered\":true,\"replayed\":1}",
                        new Subscribed(2L, "sim.trades.BTC-USDT", "K3F9QZ2M", 42, true, 1)),
                golden("{\"type\":\"event\",\"channel\":\"sim.trades.BTC-USDT\",\"seq\":42,\"epoch\":\"K3F9QZ2M\","
                                + "\"ts\":1700000000123,\"data\":{\"price\":\"64123.50\",\"qty\":\"0.0120\",\"side\":\"buy\"}}",
                        new Event("sim.trades.BTC-USDT", 42, "K3F9QZ2M", 1_700_000_000_123L, trade)),
                golden("{\"type\":\"gap\",\"channel\":\"x\",\"fromSeq\":3,\"toSeq\":9,\"reason\":\"history_expired\"}",
                        new Gap("x", 3, 9, GapReason.HISTORY_EXPIRED)),
                golden("{\"type\":\"status\",\"channel\":\"binance.trades.BTC-USDT\",\"stale\":true,\"reason\":\"feed down\"}",
                        new Status("binance.trades.BTC-USDT", true, "feed down")),
                golden("{\"type\":\"status\",\"channel\":\"x\",\"stale\":false}", new Status("x", false, null)),
                golden("{\"type\":\"unsubscribed\",\"id\":4,\"channel\":\"a.b\"}", new Unsubscribed(4L, "a.b")),
                golden("{\"type\":\"error\",\"id\":8,\"code\":\"rate_limited\",\"message\":\"slow down\","
                                + "\"temporary\":true,\"retryAfterMs\":120}",
                        new ErrorFrame(8L, ErrorCode.RATE_LIMITED, "slow down", true, 120L)),
                golden("{\"type\":\"error\",\"code\":\"bad_request\",\"message\":\"no\",\"temporary\":false}",
                        ErrorFrame.of(null, ErrorCode.BAD_REQUEST, "no")),
                golden("{\"type\":\"goaway\",\"reason\":\"draining\",\"reconnectAfterMs\":1500}",
                        new Goaway("draining", 1500)));
    }

    @ParameterizedTest
    @MethodSource("goldens")
    void decodesGolden(String json, Frame expected) {
        assertEquals(List.of(expected), CODEC.decode(json));
    }

    @ParameterizedTest
    @MethodSource("goldens")
    void encodesGolden(String json, Frame frame) {
        assertEquals(json, CODEC.encode(frame));
    }

    @ParameterizedTest
    @MethodSource("goldens")
    void roundTripsInsideABatch(String json, Frame frame) {
        String batch = CODEC.encodeBatch(List.of(frame, new Ping(1L), frame));
        assertEquals("[" + json + ",{\"type\":\"ping\",\"ts\":1}," + json + "]", batch);
        assertEquals(List.of(frame, new Ping(1L), frame), CODEC.decode(batch));
    }

    private static Arguments golden(String json, Frame frame) {
        return Arguments.of(json, frame);
    }

    private static JsonNode data(String json) {
        try {
            return CODEC.mapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

}
