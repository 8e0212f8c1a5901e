package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {
    @Test
    void resumeTokensCarryAtLeast128BitsAndAreUrlSafe() {
        String token = Ids.resumeToken();

        assertTrue(token.matches("[A-Za-z0-9_-]+"), token);
        assertTrue(Base64.getUrlDecoder().decode(token).length * 8 >= 128, token);
    }

    @Test
    void idsHaveTheirDocumentedShape() {
        assertTrue(Ids.clientId().matches("[A-Z2-7]{20}"));
    }

    @Test
    void idsDoNotRepeat() {
        Set<String> tokens = new HashSet<>();
        Set<String> clients = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            tokens.add(Ids.resumeToken());
            clients.add(Ids.clientId());
        }
        assertEquals(1_000, tokens.size());
        assertEquals(1_000, clients.size());
    }
}
