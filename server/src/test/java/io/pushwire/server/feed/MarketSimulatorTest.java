package io.pushwire.server.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MarketSimulatorTest {
    private static final List<Instrument> MARKET = SimulatedFeedConfig.SYMBOLS.defaultValue().stream()
            .map(Instrument::forSymbol).toList();
    private static final Map<String, Instrument> BY_SYMBOL = MARKET.stream()
            .collect(Collectors.toMap(Instrument::symbol, Function.identity()));
    /** A plain decimal: digits, optionally a point and digits; no sign, no exponent. */
    private static final String DECIMAL = "\\d+(\\.\\d+)?";

    private static List<Object> run(List<Instrument> instruments, long seed, int steps) {
        MarketSimulator market = new MarketSimulator(instruments, seed);
        List<Object> events = new ArrayList<>(steps);
        for (int i = 0; i < steps; i++) {
            events.add(market.next(1_000L + i));
        }
        return events;
    }

    @Test
    void theSameSeedGivesTheSameMarket() {
        assertEquals(run(MARKET, 42, 2_000), run(MARKET, 42, 2_000));
        assertNotEquals(run(MARKET, 42, 200), run(MARKET, 43, 200));
    }

    @Test
    void pricesArePositiveDecimalsOnTheTickGridWithAskAboveBidAndPositiveQuantities() {
        Set<String> kinds = new HashSet<>();
        long lastTradeId = 0;
        for (Object event : run(MARKET, 7, 20_000)) {
            switch (event) {
                case MarketEvent.Trade trade -> {
                    kinds.add("trade");
                    Instrument instrument = BY_SYMBOL.get(trade.symbol());
                    assertOnGrid(trade.price(), instrument);
                    assertPositiveQty(trade.qty(), instrument);
                    assertTrue(Set.of("buy", "sell").contains(trade.side()), trade.side());
                    long id = Long.parseLong(trade.tradeId());
                    assertEquals(lastTradeId + 1, id, "trade ids count up");
                    lastTradeId = id;
                }
                case MarketEvent.Ticker ticker -> {
                    kinds.add("ticker");
                    Instrument instrument = BY_SYMBOL.get(ticker.symbol());
                    assertOnGrid(ticker.bid(), instrument);
                    assertOnGrid(ticker.ask(), instrument);
                    assertTrue(new BigDecimal(ticker.ask()).compareTo(new BigDecimal(ticker.bid())) > 0, ticker.toString());
                    assertPositiveQty(ticker.bidQty(), instrument);
                    assertPositiveQty(ticker.askQty(), instrument);
                }
                default -> fail("unexpected " + event);
            }
        }
        assertEquals(Set.of("trade", "ticker"), kinds);
    }

    @Test
    void aPriceNearZeroNeverReachesZero() {
        Instrument penny = new Instrument("PENNY-USDT", new BigDecimal("0.01"), new BigDecimal("0.01"), 1, 2);

        for (Object event : run(List.of(penny), 1, 5_000)) {
            if (event instanceof MarketEvent.Ticker ticker) {
                assertOnGrid(ticker.bid(), penny);
            } else if (event instanceof MarketEvent.Trade trade) {
                assertOnGrid(trade.price(), penny);
            }
        }
    }

    @Test
    void quantitiesNeverRoundToZeroAtTheInstrumentsScale() {
        // A typical size far below one unit of the scale: rounding alone would give 0.00.
        Instrument dust = new Instrument("DUST-USDT", new BigDecimal("100.00"), new BigDecimal("0.01"), 0.0001, 2);

        for (Object event : run(List.of(dust), 5, 2_000)) {
            if (event instanceof MarketEvent.Ticker ticker) {
                assertPositiveQty(ticker.bidQty(), dust);
                assertPositiveQty(ticker.askQty(), dust);
            } else if (event instanceof MarketEvent.Trade trade) {
                assertPositiveQty(trade.qty(), dust);
            }
        }
    }

    @Test
    void theTimestampIsTheOneGiven() {
        Object event = new MarketSimulator(MARKET, 3).next(123_456L);

        long ts = event instanceof MarketEvent.Trade t ? t.ts() : ((MarketEvent.Ticker) event).ts();
        assertEquals(123_456L, ts);
    }

    @Test
    void anEmptyMarketIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MarketSimulator(List.of(), 1));
    }

    @Test
    void unknownSymbolsGetAGenericInstrument() {
        Instrument generic = Instrument.forSymbol("DOGE-EUR");

        assertEquals("DOGE-EUR", generic.symbol());
        assertTrue(generic.startPrice().signum() > 0);
        assertEquals(new BigDecimal("0.01"), Instrument.forSymbol("BTC-USDT").tick());
    }

    private static void assertOnGrid(String price, Instrument instrument) {
        assertTrue(price.matches(DECIMAL), price);
        BigDecimal value = new BigDecimal(price);
        assertTrue(value.signum() > 0, instrument.symbol() + " price " + price);
        assertEquals(0, value.remainder(instrument.tick()).signum(), price + " is off the " + instrument.tick() + " grid");
    }

    private static void assertPositiveQty(String qty, Instrument instrument) {
        assertTrue(qty.matches(DECIMAL), qty);
        BigDecimal value = new BigDecimal(qty);
        assertTrue(value.signum() > 0, qty);
        assertTrue(value.scale() <= instrument.qtyScale(), qty + " has more than " + instrument.qtyScale() + " decimals");
    }
}
