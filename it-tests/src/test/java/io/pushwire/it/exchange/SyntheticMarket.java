package io.pushwire.it.exchange;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plausible prices for scripted trading: a bounded random walk per instrument in steps of 0.01, with a
 * one-tick spread around it. Seeded, so a failing run can be replayed with the same numbers.
 */
final class SyntheticMarket {
    private static final BigDecimal TICK = new BigDecimal("0.01");
    private static final BigDecimal FLOOR = new BigDecimal("1.00");

    private final Random random;
    private final Map<String, BigDecimal> mids = new ConcurrentHashMap<>();

    SyntheticMarket(long seed) {
        this.random = new Random(seed);
    }

    /** A quote around the instrument's current price. */
    record Quote(BigDecimal bid, BigDecimal bidQty, BigDecimal ask, BigDecimal askQty, BigDecimal last) {
    }

    synchronized BigDecimal nextPrice(String instrument) {
        BigDecimal mid = mids.computeIfAbsent(instrument,
                name -> BigDecimal.valueOf(100 + Math.floorMod(name.hashCode(), 900)).setScale(2, RoundingMode.UNNECESSARY));
        BigDecimal next = mid.add(TICK.multiply(BigDecimal.valueOf(random.nextInt(7) - 3))).max(FLOOR);
        mids.put(instrument, next);
        return next;
    }

    synchronized BigDecimal quantity() {
        return BigDecimal.valueOf(1 + random.nextInt(200_000), 5); // 0.00001 .. 2.00000
    }

    synchronized boolean buy() {
        return random.nextBoolean();
    }

    Quote quote(String instrument) {
        BigDecimal last = nextPrice(instrument);
        return new Quote(last.subtract(TICK), quantity(), last.add(TICK), quantity(), last);
    }
}
