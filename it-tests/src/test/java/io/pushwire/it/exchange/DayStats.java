package io.pushwire.it.exchange;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The rolling-day figures that OKX and Kraken tickers carry besides the best bid and ask (open, high,
 * low, volume, VWAP), kept consistent with what the fake actually published rather than made up per
 * message. One per instrument; the caller synchronizes.
 */
final class DayStats {
    private BigDecimal open;
    private BigDecimal high;
    private BigDecimal low;
    private BigDecimal last;
    private BigDecimal lastQty = BigDecimal.ZERO;
    private BigDecimal volume = BigDecimal.ZERO;
    private BigDecimal quoteVolume = BigDecimal.ZERO;

    void onTrade(BigDecimal price, BigDecimal qty) {
        onPrice(price);
        lastQty = qty;
        volume = volume.add(qty);
        quoteVolume = quoteVolume.add(price.multiply(qty));
    }

    void onPrice(BigDecimal price) {
        if (open == null) {
            open = price;
            high = price;
            low = price;
        }
        high = high.max(price);
        low = low.min(price);
        last = price;
    }

    BigDecimal open() {
        return open;
    }

    BigDecimal high() {
        return high;
    }

    BigDecimal low() {
        return low;
    }

    BigDecimal lastQty() {
        return lastQty;
    }

    BigDecimal volume() {
        return volume;
    }

    BigDecimal quoteVolume() {
        return quoteVolume.setScale(8, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }

    BigDecimal vwap() {
        return volume.signum() == 0 ? last : quoteVolume.divide(volume, 8, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }

    BigDecimal change() {
        return last.subtract(open);
    }

    BigDecimal changePercent() {
        return change().multiply(BigDecimal.valueOf(100)).divide(open, 2, RoundingMode.HALF_EVEN);
    }
}
