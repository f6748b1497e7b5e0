package dev.rcpat.domain;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Times in responses as JavaScript's {@code Date.toISOString()} writes them, e.g. {@code 2026-11-27T18:00:00.000Z}. */
public final class IsoTime {

    private static final DateTimeFormatter JS_ISO =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private IsoTime() { }

    public static String format(long epochMillis) {
        return JS_ISO.format(Instant.ofEpochMilli(epochMillis));
    }

    /** An ISO-8601 date-time with a zone offset ({@code Z} or {@code +02:00}); empty when it is not one. */
    public static Optional<Instant> parse(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
