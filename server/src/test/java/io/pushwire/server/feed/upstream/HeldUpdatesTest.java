package io.pushwire.server.feed.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.server.feed.MarketEvent;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeldUpdatesTest {
    private final HeldUpdates held = new HeldUpdates();

    private static UpstreamUpdate trade(String symbol, long id) {
        return UpstreamUpdate.consecutive(new MarketEvent.Trade(symbol, "1", "1", "buy", Long.toString(id), 0), id, id);
    }

    private static UpstreamUpdate ticker(String symbol, String bid) {
        return UpstreamUpdate.unnumbered(new MarketEvent.Ticker(symbol, bid, "1", "9", "1", 0));
    }

    @Test
    void releaseKeepsEveryNumberedUpdateAndOnlyTheNewestUnnumberedOnePerChannelInOrder() {
        held.hold(List.of(ticker("A-B", "1"), trade("A-B", 7), ticker("C-D", "5")));
        held.hold(List.of(ticker("A-B", "2"), trade("A-B", 8)));

        assertEquals(List.of(trade("A-B", 7), ticker("C-D", "5"), ticker("A-B", "2"), trade("A-B", 8)),
                held.release("x"));
        assertEquals(List.of(), held.release("x"), "a release empties it");
    }

    @Test
    void holdSaysWhenItIsFull() {
        assertFalse(held.hold(Collections.nCopies(HeldUpdates.MAX - 1, trade("A-B", 1))));
        assertTrue(held.hold(List.of(trade("A-B", 2))));
    }
}
