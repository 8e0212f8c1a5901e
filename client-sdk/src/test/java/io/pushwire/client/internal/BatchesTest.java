package io.pushwire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pushwire.protocol.FrameCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchesTest {
    @Test
    void packsInOrderWithinTheByteLimitCountingBracketsAndCommas() {
        List<String> frames = List.of("aaaa", "bbbb", "cccc", "dddd");
        // Two frames: [aaaa,bbbb] is 11 bytes.
        assertEquals(List.of(List.of("aaaa", "bbbb"), List.of("cccc", "dddd")), Batches.pack(frames, 11, 100));
        assertEquals(List.of(List.of("aaaa"), List.of("bbbb"), List.of("cccc"), List.of("dddd")),
                Batches.pack(frames, 10, 100));
        assertEquals(List.of(frames), Batches.pack(frames, 21, 100));
        assertEquals(List.of(frames.subList(0, 3), frames.subList(3, 4)), Batches.pack(frames, 20, 100));
        for (List<List<String>> packed : List.of(Batches.pack(frames, 11, 100), Batches.pack(frames, 20, 100))) {
            for (List<String> message : packed) {
                assertEquals(true, FrameCodec.joinBatch(message).getBytes(StandardCharsets.UTF_8).length <= 20);
            }
        }
    }

    @Test
    void packsAtMostMaxFramesAndPutsAnOversizedFrameAlone() {
        List<String> many = new ArrayList<>(Collections.nCopies(2_500, "x"));
        List<List<String>> packed = Batches.pack(many, 1_000_000, FrameCodec.MAX_BATCH_FRAMES);
        assertEquals(List.of(1024, 1024, 452), packed.stream().map(List::size).toList());
        assertEquals(List.of(List.of("a"), List.of("0123456789"), List.of("b")),
                Batches.pack(List.of("a", "0123456789", "b"), 5, 10));
        assertEquals(List.of(), Batches.pack(List.of(), 5, 10));
    }

    @Test
    void countsUtf8Bytes() {
        for (String text : List.of("", "plain", "é", "€uro", "😀", "a😀b€é")) {
            int expected = text.getBytes(StandardCharsets.UTF_8).length;
            assertEquals(expected, Batches.utf8Length(text), text);
        }
        // A lone surrogate is counted as 3 bytes, never less than any encoder writes for it.
        assertEquals(3 + 2, Batches.utf8Length("\uD800ab"));
    }
}
