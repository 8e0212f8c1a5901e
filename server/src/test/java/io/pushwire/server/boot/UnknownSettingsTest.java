package io.pushwire.server.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pushwire.server.core.Setting;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnknownSettingsTest {
    private final UnknownSettings settings = new UnknownSettings(PushwireSettings.ALL.stream().map(Setting::key).toList());

    @Test
    void aMisspeltKeyIsNamedWithTheClosestKnownOne() {
        assertEquals(List.of("unknown setting pushwire.feeds.simulated.rte is ignored; did you mean "
                        + "pushwire.feeds.simulated.rate?"),
                settings.warnings(List.of("pushwire.feeds.simulated.rte")));
    }

    @Test
    void keysWithANameInThemMatchTheirPlaceholder() {
        assertEquals(List.of(), settings.warnings(List.of("pushwire.feeds.okx.enabled", "pushwire.feeds.kraken.channels",
                "pushwire.channels.priority.sim.trades.*", "pushwire.hello.timeout-ms")));
    }

    @Test
    void aMisspeltKeyWithANameIsComparedWithThatName() {
        assertEquals("pushwire.feeds.okx.enabled", settings.closest("pushwire.feeds.okx.enabeld"));
    }

    @Test
    void aPlaceholderInTheMiddleStandsForOneSegmentOnly() {
        assertEquals(1, settings.warnings(List.of("pushwire.feeds.okx.extra.enabled")).size());
    }

    @Test
    void otherKeysAreNotOurs() {
        assertEquals(List.of(), settings.warnings(List.of("server.port", "PUSHWIRE_ADMIN_TOKEN", "pushwirex.y")));
    }

    @Test
    void distanceIsLevenshtein() {
        assertEquals(0, UnknownSettings.distance("rate", "rate"));
        assertEquals(1, UnknownSettings.distance("rte", "rate"));
        assertEquals(3, UnknownSettings.distance("kitten", "sitting"));
        assertEquals(4, UnknownSettings.distance("", "abcd"));
    }
}
