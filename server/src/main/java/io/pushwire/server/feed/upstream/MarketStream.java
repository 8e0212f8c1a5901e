package io.pushwire.server.feed.upstream;

import io.pushwire.server.feed.MarketEvent;

/**
 * One thing a feed subscribes to upstream: a channel kind ({@code trades} or {@code ticker}) of one
 * symbol, written {@code BASE-QUOTE}. Each exchange has its own name for it ({@link ExchangeAdapter#key}).
 */
record MarketStream(String kind, String symbol) {
    MarketStream {
        if (!MarketEvent.TRADES.equals(kind) && !MarketEvent.TICKER.equals(kind)) {
            throw new IllegalArgumentException("channel kind must be trades or ticker, got '" + kind + "'");
        }
    }

    /** The Pushwire channel it is published on. */
    String channel(String feed) {
        return MarketEvent.channelName(feed, kind, symbol);
    }
}
