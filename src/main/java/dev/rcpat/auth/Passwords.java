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

    private Passwords() { }

    /** The stored form of a plaintext password. */
    public static String hash(String plaintext) {
        return BCrypt.withDefaults().hashToString(BCRYPT_COST, Secrets.sha256Hex(plaintext).toCharArray());
    }

    /** Whether {@code digest} (hex SHA-256 of the password, either case) matches the stored hash. */
    public static boolean matchesDigest(String digest, String storedBcrypt) {
        if (storedBcrypt == null || digest.length() != 64 || !digest.chars().allMatch(Passwords::isHexDigit)) {
            return false;
        }
        byte[] lowercase = digest.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        try {
            return BCrypt.verifyer().verify(lowercase, storedBcrypt.getBytes(StandardCharsets.US_ASCII)).verified;
        } catch (IllegalArgumentException e) {
            return false; // the stored value is not a bcrypt hash
        }
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
