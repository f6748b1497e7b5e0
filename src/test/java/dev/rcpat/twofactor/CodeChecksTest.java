package dev.rcpat.twofactor;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.rcpat.auth.RandomSource;
import dev.rcpat.auth.Secrets;
import dev.rcpat.config.Settings;
import org.junit.jupiter.api.Test;

import dev.rcpat.auth.RandomSource;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Email codes, backup codes, the password fallback, the details shapes and the settings' validation. */
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
    void passwordFallbackTakesTheHexDigestInEitherCase() {
        String digest = Secrets.sha256Hex("correct horse");
        String meteor = BCrypt.withDefaults().hashToString(10, digest.toCharArray());
        String node = BCrypt.with(BCrypt.Version.VERSION_2B).hashToString(10, digest.toCharArray());
        for (String stored : List.of(meteor, node)) {
            assertTrue(PasswordCheck.matches(digest, stored));
            assertTrue(PasswordCheck.matches(digest.toUpperCase(Locale.ROOT), stored));
            assertFalse(PasswordCheck.matches(Secrets.sha256Hex("wrong horse"), stored));
            assertFalse(PasswordCheck.matches("correct horse", stored), "the plaintext is not the code");
            assertFalse(PasswordCheck.matches(digest.substring(1), stored));
            assertFalse(PasswordCheck.matches(digest.substring(1) + "g", stored));
        }
        assertFalse(PasswordCheck.matches(digest, null));
        assertFalse(PasswordCheck.matches(digest, "garbage"));
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
                Challenge.of(Method.TOTP, List.of("totp")).maxAttempts().body().get("error"));
    }

    @Test
    void invalidTwoFactorSettingsFailFast() {
        Map<String, String> base = new HashMap<>(Map.of(Settings.USERS_TABLE, "u", Settings.PERMISSIONS_TABLE, "p"));
        Map<String, String> bad = Map.of(
                Settings.TOTP_MAX_ATTEMPTS, "0",
                Settings.TOTP_LOCK_SECONDS, "five",
                Settings.TOTP_MAX_DELTA, "-1",
                Settings.EMAIL_CODE_MAX_ATTEMPTS, "0",
                Settings.EMAIL_CODE_EXPIRATION_SECONDS, "5",
                Settings.REMEMBER_FOR_SECONDS, "-1",
                Settings.TWO_FACTOR_ENABLED, "yes",
                Settings.PASSWORD_FALLBACK_ENABLED, "1");
        bad.forEach((name, value) -> {
            Map<String, String> env = new HashMap<>(base);
            env.put(name, value);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Settings.from(env), name);
            assertTrue(e.getMessage().contains(name), e.getMessage());
        });
        Settings d = Settings.from(base);
        assertEquals(List.of(true, true, 1, true, 3600L, 5, 1800L, true, 5, 300L),
                List.of(d.twoFactorEnabled(), d.totpEnabled(), d.totpMaxDelta(), d.email2faEnabled(),
                        d.emailCodeExpirationSeconds(), d.emailCodeMaxAttempts(), d.rememberForSeconds(),
                        d.passwordFallbackEnabled(), d.totpMaxAttempts(), d.totpLockSeconds()));
    }
}
