package io.pushwire.server.feed;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A market event in the one shape every feed publishes, whatever its source: the simulated market and
 * each exchange connector normalise to it, so a client reads {@code sim.trades.BTC-USDT} and
 * {@code binance.trades.BTC-USDT} with the same code. Decimals stay strings, exactly as the source wrote
 * them; symbols are written {@code BASE-QUOTE}.
 */
public sealed interface MarketEvent {
    /** The instrument, {@code BASE-QUOTE}. */
    String symbol();

    /** The channel kind: {@code trades} or {@code ticker}. */
    String kind();

    /** The event as published by feed {@code exchange}. */
    ObjectNode toJson(String exchange);

    /**
     * The idempotency key it is published with, so that a repeat around a feed's handover is published once:
     * a trade's id; null for an event the source does not identify.
     */
    default String idempotencyKey() {
        return null;
    }

    /** The channel this event goes to for feed {@code exchange}: {@code <exchange>.<kind>.<SYMBOL>}. */
    default String channel(String exchange) {
        return channelName(exchange, kind(), symbol());
    }

    static String channelName(String exchange, String kind, String symbol) {
        return exchange + "." + kind + "." + symbol;
    }

    String TRADES = "trades";
    String TICKER = "ticker";

    /**
     * One trade.
     *
     * @param side    the taker's side, {@code buy} or {@code sell}
     * @param tradeId the source's id for it
     * @param ts      when it happened, epoch ms as the source says
     */
    record Trade(String symbol, String price, String qty, String side, String tradeId, long ts) implements MarketEvent {
        @Override
        public String kind() {
            return TRADES;
        }

        @Override
        public String idempotencyKey() {
            return "trade:" + tradeId;
        }

        @Override
        public ObjectNode toJson(String exchange) {
            return JsonNodeFactory.instance.objectNode()
                    .put("exchange", exchange).put("symbol", symbol).put("price", price).put("qty", qty)
                    .put("side", side).put("tradeId", tradeId).put("ts", ts);
        }
    }

    /** The best bid and offer; {@code ts} is the source's time, or the receive time where it gives none. */
    record Ticker(String symbol, String bid, String bidQty, String ask, String askQty, long ts) implements MarketEvent {
        @Override
        public String kind() {
            return TICKER;
        }

        @Override
        public ObjectNode toJson(String exchange) {
            return JsonNodeFactory.instance.objectNode()
                    .put("exchange", exchange).put("symbol", symbol).put("bid", bid).put("bidQty", bidQty)
                    .put("ask", ask).put("askQty", askQty).put("ts", ts);
        }
    }
}
