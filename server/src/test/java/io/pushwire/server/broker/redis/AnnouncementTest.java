package io.pushwire.server.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AnnouncementTest {
    @Test
    void anEntryKeepsBarsInsideItsFrame() {
        Announcement entry = Announcement.parse("e12|ABCDEFGHIJ|{\"data\":\"a|b\"}");

        assertEquals(new Announcement('e', 12, "ABCDEFGHIJ", false, "{\"data\":\"a|b\"}"), entry);
        assertFalse(entry.isStatus());
    }

    @Test
    void aStatusCarriesItsVersionEpochAndState() {
        Announcement status = Announcement.parse("s3|ABCDEFGHIJ|1|{\"type\":\"status\"}");

        assertTrue(status.isStatus());
        assertEquals(3, status.number());
        assertTrue(status.stale());
        assertEquals("{\"type\":\"status\"}", status.frame());
    }

    @Test
    void somethingTheScriptsDidNotWriteIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Announcement.parse("hello"));
        assertThrows(IllegalArgumentException.class, () -> Announcement.parse("x1|E|f"));
        assertThrows(IllegalArgumentException.class, () -> Announcement.parse("s1|E|1"));
    }
}
