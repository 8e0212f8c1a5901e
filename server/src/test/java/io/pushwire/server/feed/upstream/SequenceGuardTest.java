package io.pushwire.server.feed.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pushwire.server.feed.MarketEvent;
import org.junit.jupiter.api.Test;

class SequenceGuardTest {
    private final SequenceGuard guard = new SequenceGuard();

    private static UpstreamUpdate trade(long first, long last) {
        return UpstreamUpdate.consecutive(new MarketEvent.Trade("A-B", "1", "1", "buy", Long.toString(last), 0), first, last);
    }

    private static UpstreamUpdate ticker(long id) {
        return UpstreamUpdate.increasing(new MarketEvent.Ticker("A-B", "1", "1", "2", "1", 0), id);
    }

    @Test
    void consecutiveIdsPublishDuplicatesDropAndJumpsCountTheMissing() {
        assertEquals(SequenceGuard.Verdict.PUBLISH, guard.check("c", trade(10, 10)));
        assertEquals(SequenceGuard.Verdict.PUBLISH, guard.check("c", trade(11, 13)));
        assertEquals(SequenceGuard.Verdict.DUPLICATE, guard.check("c", trade(12, 13)));
        assertEquals(new SequenceGuard.Verdict(true, 6), guard.check("c", trade(20, 20)));
        assertEquals(SequenceGuard.Verdict.PUBLISH, guard.check("other", trade(1, 1)), "per channel");
    }

    @Test
    void increasingIdsDropOlderOnesButNeverAnnounceAGap() {
        assertEquals(SequenceGuard.Verdict.PUBLISH, guard.check("t", ticker(100)));
        assertEquals(SequenceGuard.Verdict.PUBLISH, guard.check("t", ticker(250)));
        assertEquals(SequenceGuard.Verdict.DUPLICATE, guard.check("t", ticker(200)));
    }

    @Test
    void aSourceThatStartsCountingAgainIsAcceptedAsANewBaseline() {
        guard.check("c", trade(5_000_000, 5_000_000));
        assertEquals(SequenceGuard.Verdict.PUBLISH, guard.check("c", trade(3, 3)));
        assertEquals(SequenceGuard.Verdict.PUBLISH, guard.check("c", trade(4, 4)));
        assertEquals(1, guard.resets());
    }
}
