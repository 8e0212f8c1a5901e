package io.pushwire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.protocol.Backoff;
import io.pushwire.protocol.CloseCode;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Reconnect decisions with an injected Random and clock. */
class ReconnectPlannerTest {
    /** nextDouble() returns what the test set. */
    private static final class StubRandom extends Random {
        private static final long serialVersionUID = 1L;
        double value;

        StubRandom(double value) {
            this.value = value;
        }

        @Override
        public double nextDouble() {
            return value;
        }
    }

    private final StubRandom random = new StubRandom(1.0);
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final Backoff backoff = new Backoff(500, 30_000, 2.0, random);

    private ReconnectPlanner planner(int maxAttempts, boolean canRenewToken) {
        return new ReconnectPlanner(backoff, maxAttempts, 10_000, canRenewToken, clock::get);
    }

    @Test
    void consecutiveFailuresGrowTheDelayUntilAStableConnectionResetsIt() {
        ReconnectPlanner planner = planner(Integer.MAX_VALUE, false);
        assertEquals(ReconnectPlanner.Plan.reconnect(1, 500), planner.lost(1006));
        assertEquals(ReconnectPlanner.Plan.reconnect(2, 1_000), planner.lost(1006));
        planner.connected();
        clock.addAndGet(9_999); // up, but not long enough to count as stable
        assertEquals(ReconnectPlanner.Plan.reconnect(3, 2_000), planner.lost(1006));
        planner.connected();
        clock.addAndGet(10_000);
        assertTrue(planner.isStable());
        assertEquals(ReconnectPlanner.Plan.reconnect(1, 500), planner.lost(1001));
        assertEquals(1, planner.attempts());
    }

    @Test
    void aConnectionSettlesWhenItBecomesStableNotBefore() {
        ReconnectPlanner planner = planner(Integer.MAX_VALUE, false);
        planner.lost(1006);
        planner.lost(1006);
        assertEquals(10_000, planner.connected()); // when to call settleIfStable
        clock.addAndGet(9_999);
        assertFalse(planner.settleIfStable());
        assertEquals(2, planner.attempts());
        clock.addAndGet(1);
        assertTrue(planner.settleIfStable());
        assertEquals(0, planner.attempts());
        assertEquals(ReconnectPlanner.Plan.reconnect(1, 500), planner.lost(1006));
        assertFalse(planner.settleIfStable(), "no connection: nothing is stable");
        assertEquals(1, planner.attempts());
    }

    @Test
    void stopsAfterMaxAttemptsAndResetStartsAgain() {
        ReconnectPlanner planner = planner(2, false);
        assertTrue(planner.lost(1006).reconnect());
        assertTrue(planner.lost(1006).reconnect());
        ReconnectPlanner.Plan stop = planner.lost(1006);
        assertFalse(stop.reconnect());
        assertEquals("gave up after 2 reconnect attempts", stop.stopReason());
        planner.reset();
        assertEquals(ReconnectPlanner.Plan.reconnect(1, 500), planner.lost(1006));
        assertFalse(planner(0, false).lost(1006).reconnect());
    }

    @Test
    void retryAfterFromTheServerIsAFloorUnderTheJitter() {
        ReconnectPlanner planner = planner(Integer.MAX_VALUE, false);
        random.value = 0.5;
        planner.retryAfter(5_000); // HTTP 429 Retry-After: 5, or an error's retryAfterMs
        clock.addAndGet(1_000);
        assertEquals(ReconnectPlanner.Plan.reconnect(1, 4_000 + 250), planner.lost(1006));
        // Used once: the next failure is plain backoff again.
        assertEquals(ReconnectPlanner.Plan.reconnect(2, 500), planner.lost(1006));
        // A floor that has passed costs nothing.
        planner.retryAfter(100);
        clock.addAndGet(200);
        assertEquals(ReconnectPlanner.Plan.reconnect(3, 1_000), planner.lost(1006));
    }

    @Test
    void rateLimitAbuseWaitsAtLeastMaxDelayAndOverloadAtLeastInitialDelay() {
        random.value = 0.0;
        ReconnectPlanner planner = planner(Integer.MAX_VALUE, false);
        assertEquals(ReconnectPlanner.Plan.reconnect(1, 30_000), planner.lost(CloseCode.RATE_LIMIT_ABUSE));
        assertEquals(ReconnectPlanner.Plan.reconnect(2, 500), planner.lost(CloseCode.OVERLOADED));
        assertEquals(ReconnectPlanner.Plan.reconnect(3, 0), planner.lost(1006));
    }

    @Test
    void goawayReplacesTheBackoffWithTheServersDelayJittered() {
        ReconnectPlanner planner = planner(Integer.MAX_VALUE, false);
        random.value = 0.5;
        planner.connected();
        assertEquals(2_250, planner.goaway(2_000)); // [2000, 2000 + min(2000, initialDelay)]
        clock.addAndGet(1_000);
        assertEquals(ReconnectPlanner.Plan.reconnect(1, 1_250), planner.lost(CloseCode.GOING_AWAY));
        assertEquals(200 + 100, planner.goaway(200)); // [200, 400]
        random.value = 1.0;
        assertEquals(500, planner.goaway(0)); // [0, initialDelay]
        random.value = 0.0;
        assertEquals(0, planner.goaway(0));
    }

    @Test
    void terminalCodesStop() {
        for (int code : new int[] {4400, 4403, 4404, 4499, CloseCode.TAKEN_OVER, CloseCode.TOO_BIG}) {
            ReconnectPlanner.Plan plan = planner(Integer.MAX_VALUE, true).lost(code);
            assertFalse(plan.reconnect(), "code " + code);
        }
        for (int code : new int[] {1000, 1001, 1006, 1011, 4000, 4001, 4002, 4099, 4429}) {
            assertTrue(planner(Integer.MAX_VALUE, false).lost(code).reconnect(), "code " + code);
        }
        assertEquals("the session was taken over by a newer connection (4003)",
                planner(Integer.MAX_VALUE, true).lost(4003).stopReason());
    }

    @Test
    void unauthorizedReconnectsOnceWithASupplierAndStopsWithout() {
        assertEquals("unauthorized (4401) and no token supplier to get a new token",
                planner(Integer.MAX_VALUE, false).lost(4401).stopReason());
        ReconnectPlanner planner = planner(Integer.MAX_VALUE, true);
        assertTrue(planner.lost(4401).reconnect());
        ReconnectPlanner.Plan second = planner.lost(4401);
        assertFalse(second.reconnect());
        assertEquals("unauthorized (4401) again with a token fresh from the supplier", second.stopReason());
        // After a stable connection a token that expired later is renewed again.
        ReconnectPlanner renewing = planner(Integer.MAX_VALUE, true);
        assertTrue(renewing.lost(4401).reconnect());
        renewing.connected();
        clock.addAndGet(60_000);
        assertTrue(renewing.lost(4401).reconnect());
    }
}
