package dev.rcpat.local.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static dev.rcpat.testing.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** MongoDB Extended JSON values as mongoexport writes them, relaxed, canonical and legacy. */
class ExtendedJsonTest {

    static final long MILLIS = 1795851912331L; // 2026-11-28T07:45:12.331Z

    static JsonNode field(String valueJson) {
        return json("{\"v\":" + valueJson + "}").get("v");
    }

    static Long date(String valueJson) throws BadDocument {
        return ExtendedJson.date(field(valueJson), "when");
    }

    @Test
    void relaxedDatesAreIsoTimesWithAnOffset() throws BadDocument {
        assertEquals(MILLIS, date("{\"$date\":\"2026-11-28T07:45:12.331Z\"}"));
        assertEquals(MILLIS - 331, date("{\"$date\":\"2026-11-28T07:45:12Z\"}"), "Go's format leaves out a zero fraction");
        assertEquals(MILLIS - 331 + 300, date("{\"$date\":\"2026-11-28T07:45:12.3Z\"}"), "and trailing zeros");
        assertEquals(MILLIS, date("{\"$date\":\"2026-11-28T08:45:12.331+01:00\"}"));
        assertEquals(MILLIS, date("{\"$date\":\"2026-11-28T07:45:12.331+0000\"}"), "mongoexport before 4.2");
    }

    @Test
    void canonicalAndLegacyDatesAreMilliseconds() throws BadDocument {
        assertEquals(MILLIS, date("{\"$date\":{\"$numberLong\":\"1795851912331\"}}"));
        assertEquals(-86_400_000L, date("{\"$date\":{\"$numberLong\":\"-86400000\"}}"), "before 1970 even relaxed is canonical");
        assertEquals(MILLIS, date("{\"$date\":1795851912331}"), "mongoexport 3.x");
    }

    @Test
    void anAbsentDateIsNull() throws BadDocument {
        assertNull(ExtendedJson.date(json("{}").get("v"), "when"));
        assertNull(date("null"));
    }

    @Test
    void whatIsNotADateSaysSoNamingTheFieldOnly() {
        assertEquals("when is not a date ({\"$date\": ...})",
                assertThrows(BadDocument.class, () -> date("\"2026-11-28T07:45:12.331Z\"")).getMessage());
        assertEquals("when is not a date ({\"$date\": ...})",
                assertThrows(BadDocument.class, () -> date("{\"$date\":1,\"x\":2}")).getMessage());
        assertEquals("when is not a date: $date is not an ISO-8601 time with an offset",
                assertThrows(BadDocument.class, () -> date("{\"$date\":\"2026-11-28T07:45:12\"}")).getMessage());
        assertEquals("when is not a date: $date is not an ISO-8601 time with an offset",
                assertThrows(BadDocument.class, () -> date("{\"$date\":\"yesterday\"}")).getMessage());
        assertEquals("when.$date is not a $numberLong",
                assertThrows(BadDocument.class, () -> date("{\"$date\":{\"$numberLong\":\"12a\"}}")).getMessage());
        assertEquals("when.$date is not a $numberLong",
                assertThrows(BadDocument.class, () -> date("{\"$date\":{\"$numberLong\":\"99999999999999999999\"}}")).getMessage());
        assertEquals("when is not a date: $date is neither a time nor a number of milliseconds",
                assertThrows(BadDocument.class, () -> date("{\"$date\":true}")).getMessage());
    }

    @Test
    void idsAreStringsOrObjectIds() throws BadDocument {
        assertEquals("Q46dYXTgqi5iYbBai", ExtendedJson.id(field("\"Q46dYXTgqi5iYbBai\""), "_id"));
        assertEquals("5f0c9a1b2c3d4e5f6a7b8c9d", ExtendedJson.id(field("{\"$oid\":\"5F0C9A1B2C3D4E5F6A7B8C9D\"}"), "_id"));
        assertNull(ExtendedJson.id(field("null"), "_id"));
        assertEquals("_id is not a string or an ObjectId",
                assertThrows(BadDocument.class, () -> ExtendedJson.id(field("{\"$oid\":\"short\"}"), "_id")).getMessage());
        assertEquals("_id is not a string or an ObjectId",
                assertThrows(BadDocument.class, () -> ExtendedJson.id(field("{\"$numberInt\":\"1\"}"), "_id")).getMessage());
    }

    @Test
    void stringsBooleansArraysAndObjectsAreCheckedByType() throws BadDocument {
        assertEquals("ada", ExtendedJson.string(field("\"ada\""), "username"));
        assertEquals("username is not a string",
                assertThrows(BadDocument.class, () -> ExtendedJson.string(field("1"), "username")).getMessage());
        assertEquals(true, ExtendedJson.bool(field("null"), "active", true));
        assertEquals("active is not true or false",
                assertThrows(BadDocument.class, () -> ExtendedJson.bool(field("\"true\""), "active", false)).getMessage());
        assertEquals("roles is not an array",
                assertThrows(BadDocument.class, () -> ExtendedJson.array(field("\"user\""), "roles")).getMessage());
        assertEquals("services is not an object",
                assertThrows(BadDocument.class, () -> ExtendedJson.object(field("[]"), "services")).getMessage());
    }
}
