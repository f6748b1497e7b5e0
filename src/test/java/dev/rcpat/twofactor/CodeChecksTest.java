package dev.rcpat.twofactor;

import dev.rcpat.auth.RandomSource;
import dev.rcpat.auth.Secrets;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Email codes, backup codes and the details of two-factor answers. */
class CodeChecksTest {

    @Test
    void emailCodesAreSixDigitsKeptAsBcryptCostTen() {
        EmailCodes codes = new EmailCodes(new RandomSource(new SecureRandom()));
        String code = codes.newCode();
        assertTrue(code.matches("^[0-9]{6}$"), code);
        String hash = EmailCodes.hash(code);
        assertTrue(hash.startsWith("$2a$10$"), "bcrypt cost 10");
        assertFalse(hash.contains(code));
        assertTrue(EmailCodes.matches(code, hash));
        assertTrue(EmailCodes.matches(code.substring(0, 3) + "-" + code.substring(3), hash), "typed as mailed");
        assertTrue(EmailCodes.matches(" " + code.substring(0, 3) + " " + code.substring(3), hash));
        String other = String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
        assertFalse(EmailCodes.matches(other, hash));
        assertFalse(EmailCodes.matches("", hash));
        assertFalse(EmailCodes.matches(code, "not-a-bcrypt-hash"));
    }

    @Test
    void leadingZerosAreKept() {
        EmailCodes codes = new EmailCodes(new RandomSource(new SecureRandom() {
            @Override
            public int nextInt(int bound) {
                return 42;
            }
        }));
        assertEquals("000042", codes.newCode());
    }

    @Test
    void backupCodesAreFoundByTheirHash() {
        List<String> stored = List.of(Secrets.sha256Hex("aaaa1111"), Secrets.sha256Hex("bbbb2222"));
        assertEquals(1, BackupCodes.indexOf(stored, "bbbb2222"));
        assertEquals(-1, BackupCodes.indexOf(stored, "cccc3333"));
        assertEquals(-1, BackupCodes.indexOf(List.of(), "aaaa1111"));
    }

    @Test
    void detailsShapes() {
        assertEquals("{method=password, codeGenerated=false, availableMethods=[]}",
                Challenge.of(Method.PASSWORD, List.of()).details().toString());
        Challenge email = new Challenge(Method.EMAIL, false, "alice", null, List.of("email"));
        assertEquals("{method=email, codeGenerated=true, emailOrUsername=alice, availableMethods=[email]}",
                email.generated().details().toString());
        assertEquals("{method=email, codeGenerated=false, emailOrUsername=alice, codeExpires=2027-01-13T08:00:00.007Z, availableMethods=[email]}",
                email.expiring(1_799_827_200_007L).details().toString());
        assertEquals("TOTP Maximun Failed Attempts Reached [totp-max-attempts]",
                Challenge.of(Method.TOTP, List.of("totp")).maxAttempts().reason() + " ["
                        + Challenge.of(Method.TOTP, List.of("totp")).maxAttempts().errorType() + "]");
    }
}
