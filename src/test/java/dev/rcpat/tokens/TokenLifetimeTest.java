package dev.rcpat.tokens;

import dev.rcpat.api.IsoTime;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.pipeline.Route;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lifetime rules of regenerated tokens, the routes' declarations and the time format. */
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

    @Test
    void timesAreFormattedAsJavaScriptsToIsoString() {
        assertEquals("2026-11-27T18:00:00.000Z", IsoTime.format(NOW));
        assertEquals("2026-11-27T18:00:00.007Z", IsoTime.format(NOW + 7));
        assertEquals(NOW, IsoTime.parse("2026-11-27T19:00:00+01:00").orElseThrow().toEpochMilli());
        assertTrue(IsoTime.parse("2026-11-27T18:00:00").isEmpty());
    }

    @Test
    void regenerateAndRemoveRequireASecondFactorAndTheListDoesNot() {
        TokenGenerator g = new TokenGenerator(new SecureRandom());
        Route generate = new GenerateToken(g).route();
        Route regenerate = new RegenerateToken(g).route();
        Route remove = new RemoveToken().route();
        Route list = new ListTokens().route();
        assertTrue(generate.requiresTwoFactor());
        assertTrue(regenerate.requiresTwoFactor());
        assertTrue(remove.requiresTwoFactor());
        assertFalse(list.requiresTwoFactor());
        for (Route r : new Route[] {generate, regenerate, remove, list}) {
            assertEquals("create-personal-access-tokens", r.permission(), r.name());
        }
        assertEquals("users.regeneratePersonalAccessToken", regenerate.name());
        assertEquals("users.removePersonalAccessToken", remove.name());
        assertEquals("users.getPersonalAccessTokens", list.name());
    }
}
