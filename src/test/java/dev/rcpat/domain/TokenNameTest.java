package dev.rcpat.domain;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TokenNameTest {

    static void assertRefused(String name, String message) {
        Refusal r = assertThrows(Refusal.class, () -> TokenName.validate(name), name);
        assertEquals(Refusal.Kind.REJECTED, r.kind());
        assertEquals("invalid-params", r.errorType());
        assertEquals(message, r.reason());
    }

    @Test
    void namesAreStoredInNfcSoLookAlikesAreOneName() throws Refusal {
        String composed = "caf\u00e9";
        String decomposed = "cafe\u0301";
        assertEquals(composed, TokenName.validate(decomposed));
        assertEquals(TokenName.validate(composed), TokenName.validate(decomposed));
        assertEquals("CI token", TokenName.validate("CI token"), "case and inner spaces are kept");
        assertEquals("\uD83D\uDE80 deploy", TokenName.validate("\uD83D\uDE80 deploy"));
    }

    @Test
    void blankNamesAreRefused() {
        for (String blank : List.of(" ", "   ", "\u3000", "\u2003 ")) {
            assertRefused(blank, "The 'tokenName' param must not be blank");
        }
    }

    @Test
    void controlFormatAndSeparatorCharactersAreRefused() {
        for (String hidden : List.of("a\u0000b", "line\nbreak", "tab\t", "\u202Eevil", "zero\u200Bwidth",
                "mark\u200E", "isolate\u2066x\u2069", "line\u2028sep", "para\u2029sep", "bom\uFEFF", "del\u007F")) {
            assertRefused(hidden, "The 'tokenName' param must not contain control characters");
        }
    }

    @Test
    void lengthIsCountedInCharactersAfterNormalising() throws Refusal {
        assertEquals(100, TokenName.validate("x".repeat(100)).length());
        assertRefused("x".repeat(101), "The 'tokenName' param must be at most 100 characters");
        assertEquals(100, TokenName.validate("\uD83D\uDE80".repeat(100)).codePointCount(0, 200));
        assertEquals(100, TokenName.validate("e\u0301".repeat(100)).length(), "200 chars that make 100 in NFC");
    }

    @Test
    void halfASurrogatePairIsNotText() {
        assertRefused("a\uD800b", "The 'tokenName' param must be well-formed Unicode text");
        assertRefused("\uDC00", "The 'tokenName' param must be well-formed Unicode text");
    }
}
