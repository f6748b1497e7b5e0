package dev.rcpat.domain;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IsoTimeTest {

    static final long NOW = Instant.parse("2026-11-27T18:00:00Z").toEpochMilli();

    @Test
    void timesAreFormattedAsJavaScriptsToIsoString() {
        assertEquals("2026-11-27T18:00:00.000Z", IsoTime.format(NOW));
        assertEquals("2026-11-27T18:00:00.007Z", IsoTime.format(NOW + 7));
        assertEquals("+10000-01-01T00:00:00.000Z".substring(1),
                IsoTime.format(Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli()).substring(1));
    }

    @Test
    void parsesOnlyDateTimesWithAZone() {
        assertEquals(NOW, IsoTime.parse("2026-11-27T19:00:00+01:00").orElseThrow().toEpochMilli());
        assertEquals(NOW, IsoTime.parse("2026-11-27T18:00:00.000Z").orElseThrow().toEpochMilli());
        assertTrue(IsoTime.parse("2026-11-27T18:00:00").isEmpty());
        assertTrue(IsoTime.parse("tomorrow").isEmpty());
    }
}
