package dev.rcpat.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Meteor's password format and the digest check the password fallback uses. */
class PasswordsTest {

    @Test
    void passwordFallbackTakesTheHexDigestInEitherCase() {
        String digest = Secrets.sha256Hex("correct horse");
        String meteor = BCrypt.withDefaults().hashToString(10, digest.toCharArray());
        String node = BCrypt.with(BCrypt.Version.VERSION_2B).hashToString(10, digest.toCharArray());
        for (String stored : List.of(meteor, node)) {
            assertTrue(Passwords.matchesDigest(digest, stored));
            assertTrue(Passwords.matchesDigest(digest.toUpperCase(Locale.ROOT), stored));
            assertFalse(Passwords.matchesDigest(Secrets.sha256Hex("wrong horse"), stored));
            assertFalse(Passwords.matchesDigest("correct horse", stored), "the plaintext is not the code");
            assertFalse(Passwords.matchesDigest(digest.substring(1), stored));
            assertFalse(Passwords.matchesDigest(digest.substring(1) + "g", stored));
        }
        assertFalse(Passwords.matchesDigest(digest, null));
        assertFalse(Passwords.matchesDigest(digest, "garbage"));
    }

    @Test
    void withoutAStoredHashTheCheckStillCostsOneBcrypt() {
        String digest = Secrets.sha256Hex("correct horse");
        String stored = Passwords.hash("another password");
        long[] missing = new long[5];
        long[] unreadable = new long[5];
        long[] wrong = new long[5];
        for (int i = 0; i < 5; i++) {
            missing[i] = nanos(() -> assertFalse(Passwords.matchesDigest(digest, null)));
            unreadable[i] = nanos(() -> assertFalse(Passwords.matchesDigest(digest, "garbage")));
            wrong[i] = nanos(() -> assertFalse(Passwords.matchesDigest(digest, stored)));
        }
        Arrays.sort(missing);
        Arrays.sort(unreadable);
        Arrays.sort(wrong);
        String medians = "medians: missing " + missing[2] / 1_000_000 + " ms, unreadable " + unreadable[2] / 1_000_000
                + " ms, wrong " + wrong[2] / 1_000_000 + " ms";
        assertTrue(missing[2] >= wrong[2] / 2, medians);
        assertTrue(unreadable[2] >= wrong[2] / 2, medians);
    }

    private static long nanos(Runnable check) {
        long started = System.nanoTime();
        check.run();
        return System.nanoTime() - started;
    }

    @Test
    void theStoredFormIsBcryptOfTheHexDigest() {
        String stored = Passwords.hash("correct horse");
        assertTrue(stored.startsWith("$2a$10$"), stored);
        assertTrue(Passwords.matchesDigest(Secrets.sha256Hex("correct horse"), stored));
        assertFalse(Passwords.matchesDigest(Secrets.sha256Hex("correct horse "), stored));
    }
}
