package dev.rcpat.twofactor;

import at.favre.lib.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The password fallback (spec section 8): the code is the hex SHA-256 of the password, in either
 * case, checked against Meteor's stored {@code bcrypt(hex(SHA-256(password)))}.
 */
final class PasswordCheck {

    private PasswordCheck() { }

    static boolean matches(String code, String storedBcrypt) {
        if (storedBcrypt == null || code.length() != 64 || !code.chars().allMatch(PasswordCheck::isHexDigit)) {
            return false;
        }
        byte[] digest = code.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        try {
            return BCrypt.verifyer().verify(digest, storedBcrypt.getBytes(StandardCharsets.US_ASCII)).verified;
        } catch (IllegalArgumentException e) {
            return false; // the stored value is not a bcrypt hash
        }
    }

    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
