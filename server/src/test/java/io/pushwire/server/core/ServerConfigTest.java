package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServerConfigTest {
    @Test
    void defaultsAreTheProtocolDefaults() {
        ServerConfig config = ServerConfig.builder().build();

        // protocol-v1.md: helloTimeout 5 s, heartbeat 25 s + 10 s, sessionTtl 120 s.
        assertEquals(5_000, config.helloTimeoutMs());
        assertEquals(25_000, config.heartbeatIntervalMs());
        assertEquals(10_000, config.heartbeatTimeoutMs());
        assertEquals(120_000, config.sessionTtlMs());
        assertTrue(config.maxFrameBytes() > 0);
        assertEquals(new OutboundSettings(64, 65_536, 1_048_576), config.outbound());
    }

    @Test
    void builderValuesArrive() {
        ServerConfig config = ServerConfig.builder().maxFrameBytes(1_000).maxRejectedFrames(2)
                .maxBatchFrames(8).maxBatchBytes(4_096).maxQueueBytes(10_000).build();

        assertEquals(1_000, config.maxFrameBytes());
        assertEquals(2, config.maxRejectedFrames());
        assertEquals(new OutboundSettings(8, 4_096, 10_000), config.outbound());
    }

    @Test
    void nonPositiveSettingsAreRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().helloTimeoutMs(0).build());
        assertTrue(e.getMessage().contains("pushwire.hello.timeout-ms"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().maxFrameBytes(-1).build());
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().maxQueueBytes(0).build());
    }

    @Test
    void everyNumericSettingRefusesZeroNamingItsKey() {
        for (Setting<Long> setting : ServerConfig.SETTINGS) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ServerConfig.builder().set(setting, 0).build(), setting.key());
            assertEquals(setting.key() + " must be > 0, got 0", e.getMessage());
        }
    }

    @Test
    void theBuilderTakesOnlyTheCoresSettings() {
        Setting<Long> foreign = Setting.positive("pushwire.elsewhere", 1, "not the core's");

        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().set(foreign, 2));
    }
}
