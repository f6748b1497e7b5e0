package dev.rcpat.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Meteor's password format, as Rocket.Chat stores it: {@code bcrypt(hex(SHA-256(password)))},
 * cost 10. Clients send the hex SHA-256 (the "digest"), so the plaintext never travels.
 */
public final class Passwords {

    public static final int BCRYPT_COST = 10;

    /**
     * A cost-10 hash of a random value that was thrown away: verified in place of a missing or
     * unreadable stored hash, so that an unknown user, or one without a password, costs the same
     * bcrypt time as a wrong password and the answer's timing does not tell them apart.
     */
    private static final byte[] NO_PASSWORD = "$2a$10$nHrFX9CPYjDhbQXvIuescOvPmje4jkTtiQFli/MDhKXWiDUMQT7HG"
            .getBytes(StandardCharsets.US_ASCII);

    private Passwords() { }

    /** The stored form of a plaintext password. */
    public static String hash(String plaintext) {
        return BCrypt.withDefaults().hashToString(BCRYPT_COST, Secrets.sha256Hex(plaintext).toCharArray());
    }

    /**
     * Whether {@code digest} (hex SHA-256 of the password, either case) matches the stored hash.
     * Without a usable stored hash ({@code null}: no such user, or no password) it still runs one
     * bcrypt verification, and answers false.
     */
    public static boolean matchesDigest(String digest, String storedBcrypt) {
        if (digest.length() != 64 || !digest.chars().allMatch(Passwords::isHexDigit)) {
            return false; // decided by the request alone, whoever the user is
        }
        byte[] lowercase = digest.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        if (storedBcrypt != null) {
            try {
                BCrypt.Result result = BCrypt.verifyer().verify(lowercase, storedBcrypt.getBytes(StandardCharsets.US_ASCII));
                if (result.validFormat) {
                    return result.verified;
                }
            } catch (IllegalArgumentException notBcrypt) {
                // handled below
            }
            // an unreadable stored value counts as no password, at the same cost
        }
        BCrypt.verifyer().verify(lowercase, NO_PASSWORD);
        return false;
    }

    /** Runs the verification loop once at the lowest cost, so a SnapStart snapshot holds its classes compiled. */
    public static void warmUp() {
        byte[] digest = Secrets.sha256Hex("warm-up").getBytes(StandardCharsets.US_ASCII);
        BCrypt.verifyer().verify(digest, BCrypt.withDefaults().hash(4, digest));
    }

    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
