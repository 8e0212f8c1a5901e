package io.pushwire.server.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushwire.protocol.Event;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.Gap;
import io.pushwire.protocol.GapReason;
import org.junit.jupiter.api.Test;

class FrameTemplateTest {
    private final FrameCodec codec = new FrameCodec();

    @Test
    void anEventRendersExactlyAsTheCodecEncodesIt() throws Exception {
        JsonNode data = codec.mapper().readTree("{\"seq\":900719925474099,\"epoch\":\"EPOCH_MARK\",\"p\":\"1|2\"}");

        FrameTemplate template = FrameTemplate.event(codec, "news.a", 1_700_000_000_123L, data);

        assertEquals(codec.encode(new Event("news.a", 42, "ABCDEFGHIJ", 1_700_000_000_123L, data)),
                template.render(42, "ABCDEFGHIJ"));
        assertEquals("e", template.kind());
    }

    @Test
    void aGapRendersItsSeqAsBothEnds() {
        FrameTemplate template = FrameTemplate.gap(codec, "binance.trades.BTC-USDT", GapReason.UPSTREAM);

        assertEquals(codec.encode(new Gap("binance.trades.BTC-USDT", 7, 7, GapReason.UPSTREAM)),
                template.render(7, "ignored"));
        assertEquals("g", template.kind());
    }
}
