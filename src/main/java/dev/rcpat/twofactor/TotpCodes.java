package dev.rcpat.twofactor;

import dev.rcpat.auth.Secrets;
import dev.samstevens.totp.code.CodeGenerator;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.exceptions.CodeGenerationException;

import java.util.OptionalLong;

/**
 * RFC 6238 codes (HMAC-SHA1, 6 digits, 30-second steps) and which time step a given code
 * belongs to, so that the step can be spent and never accepted again.
 */
public final class TotpCodes {

    static final long STEP_MILLIS = 30_000;
    static final int DIGITS = 6;

    private final CodeGenerator generator = new DefaultCodeGenerator(HashingAlgorithm.SHA1, DIGITS);

    /** Computes one code, so a SnapStart snapshot holds the HMAC path the check takes. */
    public void warmUp() {
        codeAt("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 1);
    }

    static long stepAt(long epochMillis) {
        return Math.floorDiv(epochMillis, STEP_MILLIS);
    }

    /**
     * The time step within {@code maxDelta} steps of {@code nowMillis} whose code is {@code code};
     * the latest one should two steps share a code. Every step of the window is computed and
     * compared in constant time, whatever matches.
     */
    OptionalLong matchingStep(String base32Secret, String code, long nowMillis, int maxDelta) {
        if (code.length() != DIGITS || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        long current = stepAt(nowMillis);
        long matched = Long.MIN_VALUE;
        for (long step = current - maxDelta; step <= current + maxDelta; step++) {
            if (Secrets.constantTimeEquals(code, codeAt(base32Secret, step))) {
                matched = step;
            }
        }
        return matched == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(matched);
    }

    String codeAt(String base32Secret, long step) {
        try {
            return generator.generate(base32Secret, step);
        } catch (CodeGenerationException e) {
            // A stored secret that cannot be used is a data fault, not a wrong code.
            throw new IllegalStateException("the stored TOTP secret cannot generate codes", e);
        }
    }
}
