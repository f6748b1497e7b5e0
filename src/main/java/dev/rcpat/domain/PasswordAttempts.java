package dev.rcpat.domain;

/**
 * Wrong password-fallback digests counted against a user since the last success or lock, and the
 * end of the current lock (epoch ms; null when never locked). Ours: Rocket.Chat does not limit
 * them (docs/compatibility.md, "Password fallback").
 */
public record PasswordAttempts(int failedAttempts, Long lockedUntil) {

    public static final PasswordAttempts NONE = new PasswordAttempts(0, null);

    public boolean lockedAt(long now) {
        return lockedUntil != null && lockedUntil > now;
    }

    /** Whether a digest may be checked at {@code now}: not locked, and fewer than {@code maxFailedAttempts} failures. */
    public boolean usableAt(long now, int maxFailedAttempts) {
        return !lockedAt(now) && failedAttempts < maxFailedAttempts;
    }
}
