package dev.rcpat.domain;

/**
 * Failed logins counted against a user since the last success or block, and the end of the
 * current block (epoch ms; null when not blocked).
 */
public record LoginAttempts(int failures, Long blockedUntil) {

    public static final LoginAttempts NONE = new LoginAttempts(0, null);

    public boolean blockedAt(long now) {
        return blockedUntil != null && blockedUntil > now;
    }
}
