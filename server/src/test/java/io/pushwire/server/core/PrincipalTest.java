package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrincipalTest {
    private final Principal trader = new Principal("alice", List.of("sim.trades.*", "news"), List.of("chat.*.alice"),
            Long.MAX_VALUE);

    @Test
    void patternsMatchWithStarsAndEverythingElseLiterally() {
        assertTrue(trader.maySubscribe("sim.trades.BTC-USDT"));
        assertTrue(trader.maySubscribe("news"));
        assertFalse(trader.maySubscribe("sim.ticker.BTC-USDT"));
        assertFalse(trader.maySubscribe("newsX"), "no implied wildcard");
        assertFalse(trader.maySubscribe("simXtrades.BTC"), "a dot is a dot");
        assertTrue(trader.mayPublish("chat.room1.alice"));
        assertFalse(trader.mayPublish("chat.room1.bob"));
        assertFalse(trader.mayPublish("sim.trades.BTC-USDT"));
    }

    @Test
    void meIsAlwaysYoursAndOtherDollarChannelsNever() {
        Principal nothing = new Principal("bob", List.of(), List.of("*"), Long.MAX_VALUE);
        assertTrue(nothing.maySubscribe("$me"));
        assertFalse(Principal.ANONYMOUS.maySubscribe("$other"));
        assertFalse(nothing.mayPublish("$me"));
        assertTrue(Principal.ANONYMOUS.maySubscribe("anything.at.all"));
        assertFalse(Principal.ANONYMOUS.mayPublish("anything"), "anonymous sessions are read-only");
    }
}
