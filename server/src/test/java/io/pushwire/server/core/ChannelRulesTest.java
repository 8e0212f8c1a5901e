package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelRulesTest {
    @Test
    void byDefaultTradesAreHighAndTickersNormalAndConflatable() {
        ChannelRules rules = ChannelRules.defaults();

        assertEquals(new ChannelPolicy(Lane.HIGH, false), rules.policyFor("sim.trades.BTC-USDT"));
        assertEquals(new ChannelPolicy(Lane.NORMAL, true), rules.policyFor("binance.ticker.ETH-USDT"));
        assertEquals(new ChannelPolicy(Lane.NORMAL, false), rules.policyFor("app.orders"));
        assertEquals(new ChannelPolicy(Lane.NORMAL, false), rules.policyFor("trades"), "a star needs its dots");
    }

    @Test
    void theMostSpecificMatchingPatternDecides() {
        ChannelRules rules = ChannelRules.builder()
                .priority("sim.*", Lane.LOW)
                .priority("sim.trades.BTC-USDT", Lane.NORMAL)
                .priority("news.*", Lane.LOW)
                .build();

        assertEquals(Lane.HIGH, rules.policyFor("sim.trades.ETH-USDT").lane(), "*.trades.* beats sim.*");
        assertEquals(Lane.NORMAL, rules.policyFor("sim.trades.BTC-USDT").lane());
        assertEquals(Lane.LOW, rules.policyFor("sim.other").lane());
        assertEquals(Lane.LOW, rules.policyFor("news.eu.politics").lane());
    }

    @Test
    void conflatablePatternsCanBeReplacedOrTurnedOff() {
        assertEquals(false, ChannelRules.builder().conflatable(List.of()).build()
                .policyFor("sim.ticker.A").conflatable());
        ChannelRules quotes = ChannelRules.builder().conflatable(List.of("*.quotes", "fx.*")).build();
        assertEquals(true, quotes.policyFor("eq.quotes").conflatable());
        assertEquals(true, quotes.policyFor("fx.EUR-USD").conflatable());
        assertEquals(false, quotes.policyFor("sim.ticker.A").conflatable());
    }

    @Test
    void patternCharactersOtherThanTheStarAreLiteral() {
        ChannelRules rules = ChannelRules.builder().priority("a.b", Lane.LOW).build();

        assertEquals(Lane.LOW, rules.policyFor("a.b").lane());
        assertEquals(Lane.NORMAL, rules.policyFor("aXb").lane(), "the dot is not a regex wildcard");
    }

    @Test
    void badPrioritiesAreRefusedWithTheAllowedValues() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Lane.ofChannel("urgent"));
        assertEquals("channel priority must be high, normal or low, got 'urgent'", bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChannelRules.builder().priority("x.*", Lane.CONTROL));
        assertEquals(Lane.HIGH, Lane.ofChannel(" High "));
    }
}
