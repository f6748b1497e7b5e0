package dev.rcpat.twofactor;

import dev.rcpat.auth.Secrets;

import java.util.List;

/** TOTP backup codes: 8 characters, stored as lowercase hex SHA-256, each usable once. */
final class BackupCodes {

    static final int LENGTH = 8;

    private BackupCodes() { }

    static boolean looksLikeBackupCode(String code) {
        return code.length() == LENGTH;
    }

    /** The index of the stored hash of {@code code}, or -1; every entry is compared. */
    static int indexOf(List<String> hashedBackup, String code) {
        String hash = Secrets.sha256Hex(code);
        int found = -1;
        for (int i = 0; i < hashedBackup.size(); i++) {
            if (Secrets.constantTimeEquals(hash, hashedBackup.get(i)) && found < 0) {
                found = i;
            }
        }
        return found;
    }
}
