package dev.rcpat.tokens;

import dev.rcpat.testing.TestSettings;
import dev.rcpat.auth.Secrets;
import dev.rcpat.config.Settings;
import dev.rcpat.core.AuthenticatedRequest;
import dev.rcpat.core.Outcome;
import dev.rcpat.domain.Client;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.TokenChange;
import dev.rcpat.domain.User;
import dev.rcpat.store.UserWrite;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token endpoints' rules on plain values: what each decides, with no store, HTTP or clock behind it. */
class TokenEndpointsTest {

    static final long NOW = 1_800_000_000_000L;
    static final long DAY = 86_400_000L;
    static final Settings SETTINGS = TestSettings.defaults();
    static final Client CLIENT = new Client("203.0.113.9", "tests", "req");

    final TokenGenerator generator = new TokenGenerator(new SecureRandom());
    final StoredToken login = StoredToken.loginToken("login-hash", NOW - DAY);

    static User userWith(Map<String, StoredToken> pats) {
        return new User("U1", "alice", true, List.of("user"), List.of(), null, Map.of(), pats, null, false, null);
    }

    AuthenticatedRequest request(User user, boolean permitted) {
        return new AuthenticatedRequest(user, login, permitted, NOW, CLIENT);
    }

    @Test
    void generateDecidesOneAddWhoseRecordHoldsOnlyTheHash() throws Refusal {
        Outcome outcome = new GenerateToken(generator, SETTINGS).handle(request(userWith(Map.of()), true),
                new GenerateToken.Input("ci", true, TokenLifetime.Request.NONE));
        Outcome.Change change = (Outcome.Change) outcome;
        String token = (String) change.body().get("token");
        assertTrue(token.matches("^[A-Za-z0-9_-]{43}$"), token);
        StoredToken record = ((UserWrite.AddPersonalAccessToken) change.ops().get(0)).token();
        assertEquals(StoredToken.personalAccessToken("ci", Secrets.hashToken(token), NOW, token.substring(37), true, null),
                record);
        assertEquals(List.of(new Outcome.Audit(TokenChange.CREATED, record)), change.audits());
        assertNull(change.replacedPatName());
    }

    @Test
    void generateChecksTheLifetimeBeforeThePermissionAndTheNameAfter() {
        User taken = userWith(Map.of("ci", StoredToken.personalAccessToken("ci", "h", NOW, "abcdef", false, null)));
        GenerateToken generate = new GenerateToken(generator, SETTINGS);
        Refusal past = assertThrows(Refusal.class, () -> generate.handle(request(taken, false),
                new GenerateToken.Input("ci", false, new TokenLifetime.Request.At(java.time.Instant.ofEpochMilli(NOW)))));
        assertEquals("The 'expiresAt' param must be in the future", past.reason());
        Refusal forbidden = assertThrows(Refusal.class, () -> generate.handle(request(taken, false),
                new GenerateToken.Input("ci", false, TokenLifetime.Request.NONE)));
        assertEquals("not-authorized", forbidden.errorType());
        assertEquals(Map.of("method", "personalAccessTokens:generateToken"), forbidden.details());
        Refusal exists = assertThrows(Refusal.class, () -> generate.handle(request(taken, true),
                new GenerateToken.Input("ci", false, TokenLifetime.Request.NONE)));
        assertEquals("error-token-already-exists", exists.errorType());
    }

    @Test
    void generateRefusesTheHundredAndFirstToken() {
        Map<String, StoredToken> full = new HashMap<>();
        for (int i = 0; i < User.MAX_PERSONAL_ACCESS_TOKENS; i++) {
            full.put("t" + i, StoredToken.personalAccessToken("t" + i, "h" + i, NOW, "abcdef", false, null));
        }
        Refusal r = assertThrows(Refusal.class, () -> new GenerateToken(generator, SETTINGS).handle(
                request(userWith(full), true), new GenerateToken.Input("one more", false, TokenLifetime.Request.NONE)));
        assertEquals("error-token-limit-reached", r.errorType());
    }

    @Test
    void regenerateReplacesTheHashItReadKeepingBypassAndLifetimeLength() throws Refusal {
        StoredToken old = StoredToken.personalAccessToken("ci", "old-hash", NOW - 10 * DAY, "abcdef", true, NOW + 20 * DAY);
        Outcome.Change change = (Outcome.Change) new RegenerateToken(generator, SETTINGS)
                .handle(request(userWith(Map.of("ci", old)), true), new TokenNameInput("ci"));
        UserWrite.ReplacePersonalAccessToken replace = (UserWrite.ReplacePersonalAccessToken) change.ops().get(0);
        assertEquals("old-hash", replace.expectedHash());
        assertEquals(true, replace.token().bypassTwoFactor());
        assertEquals(NOW + 30 * DAY, replace.token().expiresAt());
        assertEquals("ci", change.replacedPatName());
    }

    @Test
    void removeChecksThePermissionBeforeTheName() {
        RemoveToken remove = new RemoveToken();
        assertEquals("not-authorized", assertThrows(Refusal.class,
                () -> remove.handle(request(userWith(Map.of()), false), new TokenNameInput("nope"))).errorType());
        assertEquals("error-token-does-not-exists", assertThrows(Refusal.class,
                () -> remove.handle(request(userWith(Map.of()), true), new TokenNameInput("nope"))).errorType());
    }

    @Test
    void listAnswersWithoutWritingAndForbidsWithoutThePermission() throws Refusal {
        StoredToken a = StoredToken.personalAccessToken("b-later", "h1", NOW, "abcdef", false, null);
        StoredToken b = StoredToken.personalAccessToken("a-first", "h2", NOW - DAY, "ghijkl", true, NOW + DAY);
        Outcome outcome = new ListTokens().handle(request(userWith(Map.of("b-later", a, "a-first", b)), true), null);
        assertTrue(outcome instanceof Outcome.Answer);
        assertEquals("{tokens=[{name=a-first, createdAt=2027-01-14T08:00:00.000Z, lastTokenPart=ghijkl, bypassTwoFactor=true,"
                + " expiresAt=2027-01-16T08:00:00.000Z}, {name=b-later, createdAt=2027-01-15T08:00:00.000Z,"
                + " lastTokenPart=abcdef, bypassTwoFactor=false}]}", outcome.body().toString());
        assertEquals(Refusal.Kind.FORBIDDEN, assertThrows(Refusal.class,
                () -> new ListTokens().handle(request(userWith(Map.of()), false), null)).kind());
    }
}
