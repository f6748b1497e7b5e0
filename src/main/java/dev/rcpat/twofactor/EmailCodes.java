package dev.rcpat.twofactor;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.rcpat.auth.RandomSource;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Email codes: 6 random digits, kept only as a bcrypt (cost 10) hash, as Rocket.Chat keeps them. */
public final class EmailCodes {

    static final int BCRYPT_COST = 10;

    private final RandomSource random;

    public EmailCodes(RandomSource random) {
        this.random = random;
    }

    String newCode() {
        // Locale.ROOT: some default locales format numbers in other digits than 0-9.
        return String.format(Locale.ROOT, "%06d", random.get().nextInt(1_000_000));
    }

    static String hash(String code) {
        return BCrypt.withDefaults().hashToString(BCRYPT_COST, code.toCharArray());
    }

    /** Hashes and checks one code at the lowest cost, so a SnapStart snapshot holds bcrypt's classes compiled. */
    public static void warmUp() {
        byte[] code = "000000".getBytes(StandardCharsets.US_ASCII);
        BCrypt.verifyer().verify(code, BCrypt.withDefaults().hash(4, code));
    }

    /** Checks a code as typed: everything but digits is dropped first ("123-456" is "123456"). */
    static boolean matches(String typed, String storedHash) {
        String digits = typed.replaceAll("[^0-9]", "");
        if (digits.isEmpty() || storedHash == null) {
            return false;
        }
        try {
            return BCrypt.verifyer().verify(digits.getBytes(StandardCharsets.US_ASCII),
                    storedHash.getBytes(StandardCharsets.US_ASCII)).verified;
        } catch (IllegalArgumentException e) {
            return false; // not a bcrypt hash: no code can match it
        }
    }
}
