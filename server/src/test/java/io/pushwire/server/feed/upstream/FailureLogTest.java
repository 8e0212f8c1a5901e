package io.pushwire.server.feed.upstream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A feed that fails for an hour writes one line per failure class, not one per attempt. */
class FailureLogTest {
    private final FailureLog log = new FailureLog("binance");
    private static final Failure RESET = new Failure(FailureClass.TRANSIENT_NETWORK, "closed with 1006");
    private static final Failure REFUSED = new Failure(FailureClass.TRANSIENT_NETWORK, "connection refused");
    private static final Failure TOO_MANY = new Failure(FailureClass.RATE_LIMIT, "HTTP 429", 60_000);

    @Test
    void eachClassIsLoggedOnceUntilTheFeedIsLiveAgain() {
        assertTrue(log.failed(RESET, 0, 500));
        for (int attempt = 0; attempt < 100; attempt++) {
            assertFalse(log.failed(REFUSED, attempt * 1_000L, 30_000), "attempt " + attempt);
        }
        assertTrue(log.failed(TOO_MANY, 100_000, 60_000), "a new class is a new state");
        assertTrue(log.failed(REFUSED, 200_000, 30_000), "and back again");

        log.live(300_000);

        assertTrue(log.failed(RESET, 400_000, 500), "after recovering, the next outage is news");
    }

    @Test
    void problemsThatCostNoConnectionAreLoggedOncePerClassWhileLive() {
        Failure malformed = new Failure(FailureClass.PROTOCOL, "malformed message skipped");
        assertTrue(log.noticed(malformed));
        assertFalse(log.noticed(malformed));
        assertTrue(log.failed(new Failure(FailureClass.PROTOCOL, "closed with 1002"), 0, 500),
                "a lost connection is logged although a notice of its class was");
        log.live(1_000);
        assertTrue(log.noticed(malformed));
    }
}
