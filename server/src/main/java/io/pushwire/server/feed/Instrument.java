package io.pushwire.server.feed;

import java.math.BigDecimal;
import java.util.Map;

/**
 * A simulated instrument: where its price starts, its tick size and the scale of its quantities.
 *
 * @param symbol     {@code BASE-QUOTE}
 * @param startPrice first mid price
 * @param tick       price increment; prices are whole multiples of it
 * @param typicalQty median trade size
 * @param qtyScale   decimal places of quantities
 */
record Instrument(String symbol, BigDecimal startPrice, BigDecimal tick, double typicalQty, int qtyScale) {
    private static final Map<String, Instrument> KNOWN = Map.of(
            "BTC-USDT", new Instrument("BTC-USDT", new BigDecimal("64000.00"), new BigDecimal("0.01"), 0.02, 5),
            "ETH-USDT", new Instrument("ETH-USDT", new BigDecimal("3200.00"), new BigDecimal("0.01"), 0.4, 4),
            "SOL-USDT", new Instrument("SOL-USDT", new BigDecimal("150.000"), new BigDecimal("0.001"), 8, 3));

    /** The known instrument, or a generic one starting at 100.00 for any other symbol. */
    static Instrument forSymbol(String symbol) {
        Instrument known = KNOWN.get(symbol);
        return known != null ? known : new Instrument(symbol, new BigDecimal("100.00"), new BigDecimal("0.01"), 1, 3);
    }
}
