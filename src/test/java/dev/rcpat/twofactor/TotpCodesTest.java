package dev.rcpat.twofactor;

import dev.rcpat.testing.AuthenticatorApp;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TotpCodesTest {

    /** RFC 6238 appendix B's SHA1 secret, "12345678901234567890", in base32. */
    static final String RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    /** Appendix B's 8-digit values, of which a 6-digit code is the last six digits. */
    static final Map<Long, String> RFC_VECTORS = Map.of(
            59L, "94287082",
            1111111109L, "07081804",
            1111111111L, "14050471",
            1234567890L, "89005924",
            2000000000L, "69279037",
            20000000000L, "65353130");

    final TotpCodes codes = new TotpCodes();

    @Test
    void matchesTheRfcTestVectors() {
        RFC_VECTORS.forEach((seconds, eight) -> {
            String six = eight.substring(2);
            assertEquals(six, codes.codeAt(RFC_SECRET, TotpCodes.stepAt(seconds * 1000)), "T=" + seconds);
            assertEquals(six, AuthenticatorApp.code(RFC_SECRET, seconds * 1000), "test authenticator, T=" + seconds);
        });
    }

    @Test
    void findsWhichStepOfTheWindowACodeBelongsTo() {
        long now = 1_800_000_015_000L;
        long current = TotpCodes.stepAt(now);
        String secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        assertEquals(OptionalLong.of(current), codes.matchingStep(secret, AuthenticatorApp.codeForStep(secret, current), now, 1));
        assertEquals(OptionalLong.of(current - 1), codes.matchingStep(secret, AuthenticatorApp.codeForStep(secret, current - 1), now, 1));
        assertEquals(OptionalLong.of(current + 1), codes.matchingStep(secret, AuthenticatorApp.codeForStep(secret, current + 1), now, 1));
        assertEquals(OptionalLong.empty(), codes.matchingStep(secret, AuthenticatorApp.codeForStep(secret, current - 2), now, 1));
        assertEquals(OptionalLong.empty(), codes.matchingStep(secret, AuthenticatorApp.codeForStep(secret, current + 2), now, 1));
        assertEquals(OptionalLong.of(current - 2), codes.matchingStep(secret, AuthenticatorApp.codeForStep(secret, current - 2), now, 2));
        assertEquals(OptionalLong.empty(), codes.matchingStep(secret, AuthenticatorApp.codeForStep(secret, current - 1), now, 0));
    }

    @Test
    void refusesWhatIsNotSixDigits() {
        long now = 1_800_000_015_000L;
        String secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        String right = AuthenticatorApp.code(secret, now);
        assertEquals(OptionalLong.empty(), codes.matchingStep(secret, right.substring(1), now, 1));
        assertEquals(OptionalLong.empty(), codes.matchingStep(secret, right + "0", now, 1));
        assertEquals(OptionalLong.empty(), codes.matchingStep(secret, "12a456", now, 1));
        assertEquals(OptionalLong.empty(), codes.matchingStep(secret, "", now, 1));
    }
}
