package dev.rcpat.domain;

import java.util.List;

/**
 * TOTP enrolment of a user. {@code secret} is the base32 shared secret (it must be usable to
 * compute codes, so it cannot be hashed); backup codes are stored as lowercase hex SHA-256.
 * {@code lastUsedStep} is the last accepted time step (replay protection), and
 * {@code failedAttempts}/{@code lockedUntil} limit guessing.
 */
public record TotpState(
        boolean enabled,
        String secret,
        List<String> hashedBackup,
        Long lastUsedStep,
        int failedAttempts,
        Long lockedUntil) {

    public TotpState {
        hashedBackup = hashedBackup == null ? List.of() : List.copyOf(hashedBackup);
    }
}
