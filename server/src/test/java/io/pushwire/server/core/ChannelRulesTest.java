package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelRulesTest {
    @Test
    void byDefaultTradesAreHighAndTickersNormalAndConflatable() {
        ChannelRules rules = ChannelRules.defaults();

        assertEquals(new ChannelPolicy(Priority.HIGH, false), rules.policyFor("sim.trades.BTC-USDT"));
        assertEquals(new ChannelPolicy(Priority.NORMAL, true), rules.policyFor("binance.ticker.ETH-USDT"));
        assertEquals(new ChannelPolicy(Priority.NORMAL, false), rules.policyFor("app.orders"));
        assertEquals(new ChannelPolicy(Priority.NORMAL, false), rules.policyFor("trades"), "a star needs its dots");
    }

    @Test
    void theMostSpecificMatchingPatternDecides() {
        ChannelRules rules = ChannelRules.builder()
                .priority("sim.*", Priority.LOW)
                .priority("sim.trades.BTC-USDT", Priority.NORMAL)
                .priority("news.*", Priority.LOW)
                .build();

        assertEquals(Priority.HIGH, rules.policyFor("sim.trades.ETH-USDT").priority(), "*.trades.* beats sim.*");
        assertEquals(Priority.NORMAL, rules.policyFor("sim.trades.BTC-USDT").priority());
        assertEquals(Priority.LOW, rules.policyFor("sim.other").priority());
        assertEquals(Priority.LOW, rules.policyFor("news.eu.politics").priority());
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
        ChannelRules rules = ChannelRules.builder().priority("a.b", Priority.LOW).build();

        assertEquals(Priority.LOW, rules.policyFor("a.b").priority());
        assertEquals(Priority.NORMAL, rules.policyFor("aXb").priority(), "the dot is not a regex wildcard");
    }

    @Test
    void badPrioritiesAreRefusedWithTheAllowedValues() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Priority.ofChannel("urgent"));
        assertEquals("channel priority must be high, normal or low, got 'urgent'", bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChannelRules.builder().priority("x.*", Priority.CONTROL));
        assertEquals(Priority.HIGH, Priority.ofChannel(" High "));
    }
}
