package dev.rcpat.local.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;

/**
 * The values of a users document in MongoDB Extended JSON as mongoexport writes them: dates relaxed
 * ({@code {"$date":"2026-11-20T08:00:00.000Z"}}), canonical ({@code {"$date":{"$numberLong":"1795000000000"}}})
 * or in the legacy form of older mongoexport versions ({@code {"$date":1795000000000}}, offsets written
 * {@code +0000}); ids as strings or ObjectIds. Strings, booleans and arrays are the same in every form.
 * A missing field and a JSON {@code null} both read as absent.
 */
final class ExtendedJson {

    /** ISO-8601 with an offset, {@code Z}, {@code +01:00} or {@code +0100}, fraction of any length. */
    private static final DateTimeFormatter ISO_DATE = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter();

    private ExtendedJson() { }

    static boolean absent(JsonNode value) {
        return value == null || value.isMissingNode() || value.isNull();
    }

    /** A string, or null when absent. */
    static String string(JsonNode value, String path) throws BadDocument {
        if (absent(value)) {
            return null;
        }
        if (!value.isTextual()) {
            throw new BadDocument(path + " is not a string");
        }
        return value.textValue();
    }

    /** A boolean, or {@code otherwise} when absent. */
    static boolean bool(JsonNode value, String path, boolean otherwise) throws BadDocument {
        if (absent(value)) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            throw new BadDocument(path + " is not true or false");
        }
        return value.booleanValue();
    }

    /** A document id: a string, or an ObjectId ({@code {"$oid":"<24 hex digits>"}}) as its hex string; null when absent. */
    static String id(JsonNode value, String path) throws BadDocument {
        if (absent(value)) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        JsonNode oid = value.get("$oid");
        if (value.isObject() && value.size() == 1 && oid != null && oid.isTextual()
                && oid.textValue().matches("[0-9a-fA-F]{24}")) {
            return oid.textValue().toLowerCase(java.util.Locale.ROOT);
        }
        throw new BadDocument(path + " is not a string or an ObjectId");
    }

    /** A date as epoch milliseconds, or null when absent. */
    static Long date(JsonNode value, String path) throws BadDocument {
        if (absent(value)) {
            return null;
        }
        JsonNode date = value.isObject() && value.size() == 1 ? value.get("$date") : null;
        if (date == null) {
            throw new BadDocument(path + " is not a date ({\"$date\": ...})");
        }
        if (date.isTextual()) {
            try {
                return OffsetDateTime.parse(date.textValue(), ISO_DATE).toInstant().toEpochMilli();
            } catch (DateTimeException e) {
                throw new BadDocument(path + " is not a date: $date is not an ISO-8601 time with an offset");
            }
        }
        if (date.isIntegralNumber() && date.canConvertToLong()) {
            return date.longValue();
        }
        if (date.isObject()) {
            return numberLong(date, path + ".$date");
        }
        throw new BadDocument(path + " is not a date: $date is neither a time nor a number of milliseconds");
    }

    /** {@code {"$numberLong":"<digits>"}} as a long. */
    private static long numberLong(JsonNode value, String path) throws BadDocument {
        JsonNode digits = value.size() == 1 ? value.get("$numberLong") : null;
        if (digits == null || !digits.isTextual() || !digits.textValue().matches("-?\\d{1,19}")) {
            throw new BadDocument(path + " is not a $numberLong");
        }
        try {
            return Long.parseLong(digits.textValue());
        } catch (NumberFormatException e) {
            throw new BadDocument(path + " is not a $numberLong");
        }
    }

    /** An array's elements; an empty array when absent. */
    static Iterable<JsonNode> array(JsonNode value, String path) throws BadDocument {
        if (absent(value)) {
            return java.util.List.of();
        }
        if (!value.isArray()) {
            throw new BadDocument(path + " is not an array");
        }
        return value;
    }

    /** An object, or null when absent. */
    static JsonNode object(JsonNode value, String path) throws BadDocument {
        if (absent(value)) {
            return null;
        }
        if (!value.isObject()) {
            throw new BadDocument(path + " is not an object");
        }
        return value;
    }
}
