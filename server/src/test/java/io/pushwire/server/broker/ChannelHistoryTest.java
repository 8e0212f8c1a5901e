package io.pushwire.server.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelHistoryTest {

    @Test
    void keepsAContiguousRangeAndEvictsTheOldestWhenFull() {
        ChannelHistory history = new ChannelHistory(3, 60_000);
        for (long seq = 1; seq <= 5; seq++) {
            history.append(seq, 1_000, "e" + seq, true);
        }
        assertEquals(3, history.oldestSeq());
        assertEquals(5, history.newestSeq());
        assertEquals(List.of("e3", "e4", "e5"), frames(history.after(0)));
        assertEquals(List.of("e4", "e5"), frames(history.after(3)));
        assertEquals(List.of("e5"), frames(history.after(4)));
        assertEquals(List.of(), frames(history.after(5)));
    }

    @Test
    void expiresByAgeFromTheOldestEnd() {
        ChannelHistory history = new ChannelHistory(10, 1_000);
        history.append(1, 0, "e1", true);
        history.append(2, 500, "e2", true);
        history.append(3, 1_500, "e3", true);
        history.expire(1_600);
        assertEquals(3, history.oldestSeq());
        assertEquals(List.of("e3"), frames(history.after(0)));
        history.expire(10_000);
        assertEquals(0, history.size());
        assertEquals(0, history.oldestSeq());
        assertEquals(List.of(), frames(history.after(0)));
    }

    @Test
    void refusesAHoleInTheSequence() {
        ChannelHistory history = new ChannelHistory(3, 60_000);
        history.append(1, 0, "e1", true);
        assertThrows(IllegalStateException.class, () -> history.append(3, 0, "e3", true));
    }

    @Test
    void wrapsAroundTheRingManyTimes() {
        ChannelHistory history = new ChannelHistory(7, 60_000);
        for (long seq = 1; seq <= 1_000; seq++) {
            history.append(seq, seq, "e" + seq, true);
            assertEquals(Math.max(1, seq - 6), history.oldestSeq());
            List<String> tail = frames(history.after(seq - 2));
            assertEquals(seq == 1 ? List.of("e1") : List.of("e" + (seq - 1), "e" + seq), tail);
        }
    }

    @Test
    void growsFromASmallRingToItsCapacityKeepingOrderEvenWhenWrapped() {
        ChannelHistory history = new ChannelHistory(20, 100);
        for (long seq = 1; seq <= 6; seq++) {
            history.append(seq, seq, "e" + seq, true);
        }
        history.expire(104); // drops seqs 1..3: the ring's start moves before it has to grow
        for (long seq = 7; seq <= 30; seq++) {
            history.append(seq, 200, "e" + seq, true);
        }

        assertEquals(20, history.size());
        assertEquals(11, history.oldestSeq());
        assertEquals(30, history.newestSeq());
        List<String> expected = java.util.stream.LongStream.rangeClosed(11, 30).mapToObj(seq -> "e" + seq).toList();
        assertEquals(expected, frames(history.after(0)));
        assertEquals(List.of(29L, 30L), history.after(28).stream().map(ChannelHistory.Entry::seq).toList());
    }

    private static List<String> frames(List<ChannelHistory.Entry> entries) {
        return entries.stream().map(ChannelHistory.Entry::encoded).toList();
    }
}
