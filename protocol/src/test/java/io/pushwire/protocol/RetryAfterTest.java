package io.pushwire.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RetryAfterTest {
    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        long now = 1_700_000_000_000L; // Tue, 14 Nov 2023 22:13:20 GMT
        assertEquals(120_000, RetryAfter.parseMillis(" 120 ", now));
        assertEquals(0, RetryAfter.parseMillis("0", now));
        assertEquals(10_000, RetryAfter.parseMillis("Tue, 14 Nov 2023 22:13:30 GMT", now));
        assertEquals(0, RetryAfter.parseMillis("Tue, 14 Nov 2023 22:00:00 GMT", now));
        assertEquals(-1, RetryAfter.parseMillis(null, now));
        assertEquals(-1, RetryAfter.parseMillis("-4", now));
        assertEquals(-1, RetryAfter.parseMillis("soon", now));
    }
}
