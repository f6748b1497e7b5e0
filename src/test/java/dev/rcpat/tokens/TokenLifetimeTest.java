package dev.rcpat.tokens;

import dev.rcpat.domain.StoredToken;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The lifetime rules of requested and regenerated tokens. */
class TokenLifetimeTest {

    static final long DAY = Duration.ofDays(1).toMillis();
    static final long NOW = Instant.parse("2026-11-27T18:00:00Z").toEpochMilli();

    static StoredToken token(long createdAt, Long expiresAt) {
        return StoredToken.personalAccessToken("t", "hash", createdAt, "abcdef", false, expiresAt);
    }

    @Test
    void aRegeneratedTokenKeepsItsLifetimeLength() {
        assertEquals(NOW + 7 * DAY, TokenLifetime.renewed(token(NOW - 100 * DAY, NOW - 93 * DAY), NOW, null));
        assertNull(TokenLifetime.renewed(token(NOW - DAY, null), NOW, null));
    }

    @Test
    void aRegeneratedTokenNeverOutlivesTheConfiguredMaximum() {
        assertEquals(NOW + 30 * DAY, TokenLifetime.renewed(token(NOW - DAY, NOW + 89 * DAY), NOW, 30L));
        assertEquals(NOW + 30 * DAY, TokenLifetime.renewed(token(NOW - DAY, null), NOW, 30L));
        assertEquals(NOW + 7 * DAY, TokenLifetime.renewed(token(NOW - DAY, NOW + 6 * DAY), NOW, 30L));
    }
}
