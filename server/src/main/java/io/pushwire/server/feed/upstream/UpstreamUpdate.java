package io.pushwire.server.feed.upstream;

import io.pushwire.server.feed.MarketEvent;

/**
 * A normalised market event and where it sits in its source's id sequence, so that duplicates (from an
 * overlap of two connections) are dropped and jumps are announced as gaps.
 *
 * @param event   the event
 * @param firstId the first source id it covers (an aggregated OKX trade covers several), or -1
 * @param lastId  the last source id it covers, or -1 when the source gives none
 * @param ids     how the ids behave
 */
record UpstreamUpdate(MarketEvent event, long firstId, long lastId, Ids ids) {
    /** How a source numbers its events. */
    enum Ids {
        /** No usable id: every event is published as it comes. */
        NONE,
        /** Increasing but with holes by design (an order-book update id): older ones are dropped, no gaps. */
        INCREASING,
        /** Each event follows the last one by exactly one: a jump means events were lost. */
        CONSECUTIVE
    }

    static UpstreamUpdate unnumbered(MarketEvent event) {
        return new UpstreamUpdate(event, -1, -1, Ids.NONE);
    }

    static UpstreamUpdate increasing(MarketEvent event, long id) {
        return new UpstreamUpdate(event, id, id, Ids.INCREASING);
    }

    static UpstreamUpdate consecutive(MarketEvent event, long firstId, long lastId) {
        return new UpstreamUpdate(event, firstId, lastId, Ids.CONSECUTIVE);
    }
}
