package io.pushwire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TokensTest {
    static String jwt(String claimsJson) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    @Test
    void readsExpOfAJwtWithoutCheckingTheSignature() {
        assertEquals(OptionalLong.of(1_700_000_060_000L), Tokens.expiryMillis(jwt("{\"sub\":\"a\",\"exp\":1700000060}")));
        assertEquals(OptionalLong.of(1_700_000_060_500L), Tokens.expiryMillis(jwt("{\"exp\":1700000060.5}")));
        // Padded base64url is tolerated too: {"exp": 1700000060} is 19 bytes, so its base64 ends in "==".
        String claims = Base64.getUrlEncoder().encodeToString("{\"exp\": 1700000060}".getBytes(StandardCharsets.UTF_8));
        assertTrue(claims.endsWith("="), claims);
        assertEquals(OptionalLong.of(1_700_000_060_000L), Tokens.expiryMillis("e30." + claims + ".sig"));
    }

    @Test
    void tokensThatDoNotSayWhenTheyExpireHaveNoExpiry() {
        assertTrue(Tokens.expiryMillis(null).isEmpty());
        assertTrue(Tokens.expiryMillis("opaque-api-key").isEmpty());
        assertTrue(Tokens.expiryMillis("a.b").isEmpty());
        assertTrue(Tokens.expiryMillis("a.b.c.d").isEmpty());
        assertTrue(Tokens.expiryMillis("x.!!!.y").isEmpty());
        assertTrue(Tokens.expiryMillis(jwt("{\"sub\":\"a\"}")).isEmpty());
        assertTrue(Tokens.expiryMillis(jwt("{\"exp\":\"soon\"}")).isEmpty());
        assertTrue(Tokens.expiryMillis(jwt("[1,2]")).isEmpty());
        assertTrue(Tokens.expiryMillis(jwt("not json")).isEmpty());
        assertTrue(Tokens.expiryMillis(jwt("{\"exp\":-5}")).isEmpty());
    }

    @Test
    void refreshesTheMarginBeforeExpiryButNotLaterThanHalfTheRemainingLife() {
        long now = 1_000_000;
        assertEquals(OptionalLong.of(3_570_000), Tokens.refreshDelayMillis(now + 3_600_000, now, 30_000));
        assertEquals(OptionalLong.of(20_000), Tokens.refreshDelayMillis(now + 40_000, now, 30_000));
        assertEquals(OptionalLong.of(1_000), Tokens.refreshDelayMillis(now + 1_500, now, 30_000));
        assertEquals(OptionalLong.of(400), Tokens.refreshDelayMillis(now + 400, now, 30_000));
        assertTrue(Tokens.refreshDelayMillis(now, now, 30_000).isEmpty());
        assertTrue(Tokens.refreshDelayMillis(now - 1, now, 30_000).isEmpty());
    }
}
