package io.pushwire.server.feed;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A random-walk market, deterministic for a given seed. Each step picks an instrument, moves its mid
 * price by a small log-normal step, and yields either a trade at the touch or a new best bid/ask.
 * Prices stay on the tick grid, the spread is one to three ticks, and prices never reach zero.
 * Not thread-safe: one feed thread drives it.
 */
final class MarketSimulator {
    /** Per-step volatility of the mid price (log return standard deviation). */
    private static final double STEP_VOLATILITY = 0.0004;

    private final Random random;
    private final List<Instrument> instruments;
    private final double[] mids;
    private long nextTradeId = 1;

    MarketSimulator(List<Instrument> instruments, long seed) {
        if (instruments.isEmpty()) {
            throw new IllegalArgumentException("a simulated market needs at least one instrument");
        }
        this.random = new Random(seed);
        this.instruments = List.copyOf(instruments);
        this.mids = instruments.stream().mapToDouble(i -> i.startPrice().doubleValue()).toArray();
    }

    /**
     * Continues a market another node ran: trade ids after {@code lastTradeId}, and each instrument's mid at
     * its last known price (symbols not in {@code lastPrices} keep their start price).
     */
    void continueAfter(long lastTradeId, Map<String, Double> lastPrices) {
        nextTradeId = Math.max(nextTradeId, lastTradeId + 1);
        for (int i = 0; i < instruments.size(); i++) {
            Double price = lastPrices.get(instruments.get(i).symbol());
            if (price != null && price > 0) {
                mids[i] = price;
            }
        }
    }

    /** Advances the market by one event: a trade or a new best bid/offer. */
    MarketEvent next(long ts) {
        int index = random.nextInt(instruments.size());
        Instrument instrument = instruments.get(index);
        double tick = instrument.tick().doubleValue();
        mids[index] = Math.max(tick * 10, mids[index] * Math.exp(random.nextGaussian() * STEP_VOLATILITY));
        long spreadTicks = 1 + random.nextInt(3);
        long bidTicks = Math.max(1, Math.round(mids[index] / tick - spreadTicks / 2.0));
        BigDecimal bid = instrument.tick().multiply(BigDecimal.valueOf(bidTicks));
        BigDecimal ask = instrument.tick().multiply(BigDecimal.valueOf(bidTicks + spreadTicks));
        if (random.nextBoolean()) {
            boolean buy = random.nextBoolean();
            return new MarketEvent.Trade(instrument.symbol(), (buy ? ask : bid).toPlainString(), quantity(instrument),
                    buy ? "buy" : "sell", Long.toString(nextTradeId++), ts);
        }
        return new MarketEvent.Ticker(instrument.symbol(), bid.toPlainString(), quantity(instrument), ask.toPlainString(),
                quantity(instrument), ts);
    }

    /** Log-normal around the instrument's typical size, never zero at its scale. */
    private String quantity(Instrument instrument) {
        double qty = instrument.typicalQty() * Math.exp(random.nextGaussian() * 0.8);
        BigDecimal minimum = BigDecimal.ONE.movePointLeft(instrument.qtyScale());
        BigDecimal rounded = BigDecimal.valueOf(qty).setScale(instrument.qtyScale(), RoundingMode.HALF_UP);
        return rounded.max(minimum).toPlainString();
    }
}
