package io.pushwire.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChannelsTest {
    @ParameterizedTest
    @ValueSource(strings = {"a", "sim.trades.BTC-USDT", "$me", "user:42@desk_1", "A.b-c_d:e@f$g"})
    void acceptsNamesFromTheAllowedAlphabet(String name) {
        assertTrue(Channels.isValid(name));
        assertEquals(name, Channels.requireValid(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a/b", "é", "a\nb", "a*", "a#b"})
    void rejectsOtherNames(String name) {
        assertFalse(Channels.isValid(name));
        assertThrows(ProtocolException.class, () -> Channels.requireValid(name));
    }

    @Test
    void lengthLimitIs128() {
        assertTrue(Channels.isValid("x".repeat(128)));
        assertFalse(Channels.isValid("x".repeat(129)));
        assertFalse(Channels.isValid(null));
    }

    @Test
    void closeCodeRanges() {
        assertFalse(CloseCode.isTerminal(CloseCode.GOING_AWAY));
        assertFalse(CloseCode.isTerminal(CloseCode.HEARTBEAT_TIMEOUT));
        assertFalse(CloseCode.isTerminal(CloseCode.SLOW_CONSUMER));
        assertTrue(CloseCode.isTerminal(CloseCode.TAKEN_OVER));
        assertTrue(CloseCode.isTerminal(CloseCode.PROTOCOL_ERROR));
        assertTrue(CloseCode.isTerminal(CloseCode.RATE_LIMIT_ABUSE));
    }
}
