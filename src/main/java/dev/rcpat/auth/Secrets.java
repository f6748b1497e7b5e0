package dev.rcpat.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** Hashing and constant-time comparison of secrets, in the formats Rocket.Chat stores. */
public final class Secrets {

    private Secrets() { }

    /** Rocket.Chat's hashed login token: base64(SHA-256(utf8(token))), 44 chars with padding. */
    public static String hashToken(String token) {
        return Base64.getEncoder().encodeToString(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    /** Lowercase hex SHA-256, as Meteor sends passwords and as TOTP backup codes are kept. */
    public static String sha256Hex(String value) {
        return HexFormat.of().formatHex(sha256(value.getBytes(StandardCharsets.UTF_8)));
    }

    public static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    /** Compares two strings in time that depends only on their lengths. */
    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
