package io.pushwire.server.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pushwire.protocol.FrameCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextFramesTest {
    private final TextFrames frames = new TextFrames();

    /** Reads one unmasked text frame as a client would (RFC 6455 §5.2) and returns its payload as text. */
    private static String decode(byte[] frame) {
        assertEquals((byte) 0x81, frame[0], "FIN and opcode 1 (text)");
        int length = frame[1] & 0x7F;
        assertEquals(0, frame[1] & 0x80, "a server's frames are not masked");
        int offset = 2;
        long payload = length;
        if (length == 126) {
            payload = ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF);
            offset = 4;
        } else if (length == 127) {
            payload = 0;
            for (int i = 0; i < 8; i++) {
                payload = (payload << 8) | (frame[2 + i] & 0xFF);
            }
            offset = 10;
        }
        assertEquals(frame.length - offset, payload, "the length in the header is the payload's");
        return new String(frame, offset, (int) payload, StandardCharsets.UTF_8);
    }

    @Test
    void aLoneFrameIsItsUtf8TextInOneTextFrame() {
        String text = "{\"type\":\"event\",\"data\":\"caf\u00e9 \u20ac \ud83d\ude80\"}";
        byte[] message = frames.message(List.of(text));
        assertEquals(text, decode(message));
        assertEquals(2 + text.getBytes(StandardCharsets.UTF_8).length, message.length);
    }

    @Test
    void lengthsUseTheShortestHeaderAtEachBoundary() {
        for (int length : new int[] {0, 1, 125, 126, 127, 65_535, 65_536, 200_000}) {
            String text = "x".repeat(length);
            byte[] message = frames.message(List.of(text));
            int header = length <= 125 ? 2 : length <= 65_535 ? 4 : 10;
            assertEquals(header + length, message.length, "length " + length);
            assertEquals(text, decode(message), "length " + length);
        }
    }

    @Test
    void aBatchIsTheJsonArrayOfItsFrames() {
        List<String> batch = List.of("{\"a\":1}", "{\"b\":\"\u00fc\"}", "{\"c\":3}");
        assertEquals(FrameCodec.joinBatch(batch), decode(frames.message(batch)));
        List<String> large = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            large.add("{\"seq\":" + i + ",\"pad\":\"" + "y".repeat(i) + "\"}");
        }
        assertEquals(FrameCodec.joinBatch(large), decode(frames.message(large)));
    }

    @Test
    void theSameFrameInstanceIsEncodedAndFramedOnce() {
        String event = "{\"type\":\"event\",\"seq\":7}";
        byte[] first = frames.message(List.of(event));
        assertSame(first, frames.message(List.of(event)), "the second connection gets the same bytes");
        String equalCopy = new String(event.toCharArray());
        byte[] copy = frames.message(List.of(equalCopy));
        assertArrayEquals(first, copy, "an equal text in another instance frames the same");
    }

    @Test
    void largeFramesAreFramedEachTimeAndNotKept() {
        String large = "{\"pad\":\"" + "z".repeat(TextFrames.MAX_CACHED_CHARS) + "\"}";
        byte[] first = frames.message(List.of(large));
        byte[] second = frames.message(List.of(large));
        assertNotSame(first, second, "not cached");
        assertEquals(large, decode(second));
    }

    @Test
    void collidingEntriesNeverServeAnotherText() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            texts.add("{\"seq\":" + i + "}");
        }
        for (int round = 0; round < 3; round++) {
            for (String text : texts) {
                assertEquals(text, decode(frames.message(List.of(text))));
            }
            for (int i = 0; i + 3 <= texts.size(); i += 97) {
                List<String> batch = texts.subList(i, i + 3);
                assertEquals(FrameCodec.joinBatch(batch), decode(frames.message(batch)));
            }
        }
        assertEquals("[" + String.join(",", Arrays.asList("{}", "{}")) + "]", decode(frames.message(List.of("{}", "{}"))));
    }
}
