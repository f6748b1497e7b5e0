package dev.rcpat.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.rcpat.local.Json;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The streaming codec gives exactly what the ObjectMapper gives, for what the request path reads and writes. */
class JsonCodecTest {

    record Point(int x, int y) { }

    @Test
    void parsesLikeReadTree() throws Exception {
        for (String text : List.of(
                "{\"tokenName\":\"ci\",\"bypassTwoFactor\":true}",
                "{\"a\":1,\"b\":-2147483649,\"c\":123456789012345678901234567890,\"d\":1.5e3,\"e\":-0.0}",
                "{\"nested\":{\"list\":[1,\"two\",null,false,{\"x\":[]}]},\"u\":\"\\u00e9\\n\\\"\"}",
                "{\"dup\":1,\"dup\":2}",
                "[1,2]", "\"text\"", "42", "null", "true", " {\"sp\" : [ ] } ")) {
            assertEquals(Json.MAPPER.readTree(text), JsonCodec.parse(text), text);
        }
        assertNull(JsonCodec.parse(""));
        assertNull(JsonCodec.parse("   "));
    }

    @Test
    void refusesDataAfterTheValueWhichReadTreeIgnores() throws Exception {
        for (String text : List.of("{\"a\":1} trailing", "{\"a\":1}}", "{\"a\":1}{\"b\":2}", "[1] 2")) {
            Json.MAPPER.readTree(text);
            assertThrows(JsonProcessingException.class, () -> JsonCodec.parse(text), text);
        }
        assertEquals(Json.MAPPER.readTree("{\"a\":1}"), JsonCodec.parse(" {\"a\":1} \n\t"));
    }

    @Test
    void refusesWhatReadTreeRefuses() {
        for (String text : List.of("{", "{\"a\":}", "{a:1}", "[1,]", "{\"a\":1,}", "'x'", "{\"a\":tru}")) {
            assertThrows(JsonProcessingException.class, () -> Json.MAPPER.readTree(text), text);
            assertThrows(JsonProcessingException.class, () -> JsonCodec.parse(text), text);
        }
    }

    @Test
    void writesLikeWriteValueAsString() throws Exception {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("method", "totp");
        details.put("codeGenerated", false);
        details.put("availableMethods", List.of("totp", "email"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", "TOTP Required [totp-required] \"quoted\" \u00e9 \u2028 <tag> \u0001");
        body.put("details", details);
        body.put("nothing", null);
        body.put("int", 7);
        body.put("long", 1_700_000_000_000L);
        body.put("double", 1.25);
        body.put("float", 2.5f);
        body.put("big", new BigInteger("123456789012345678901234567890"));
        body.put("decimal", new BigDecimal("1.10"));
        body.put("char", 'c');
        body.put("enum", java.time.DayOfWeek.MONDAY);
        body.put("array", new Object[] {1, "x"});
        body.put("mutableList", new ArrayList<>(Arrays.asList(null, true)));
        body.put("node", Json.MAPPER.readTree("{\"n\":[1]}"));
        assertEquals(Json.MAPPER.writeValueAsString(body), JsonCodec.write(body));
        assertThrows(IllegalStateException.class, () -> JsonCodec.write(Map.of("record", new Point(1, 2))),
                "a record is no plain value: refused, never written by reflection");
        assertEquals(Json.MAPPER.writeValueAsString(List.of()), JsonCodec.write(List.of()));
        assertEquals("null", JsonCodec.write(null));
    }

    @Test
    void asciiOutputEscapesWhatCouldSpoofALogLine() throws Exception {
        assertEquals("{\"ua\":\"\\u202Eevil\\u2028x\\u00E9\\n\"}",
                JsonCodec.writeAscii(Map.of("ua", "\u202Eevil\u2028x\u00e9\n")));
        assertEquals(Map.of("ua", "\u202Eevil\u2028x\u00e9\n"), Json.MAPPER.convertValue(
                JsonCodec.parse(JsonCodec.writeAscii(Map.of("ua", "\u202Eevil\u2028x\u00e9\n"))), Map.class));
    }
}
