package dev.rcpat.tokens;

import dev.rcpat.domain.IsoTime;
import dev.rcpat.config.Settings;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.MutableClock;
import dev.rcpat.testing.TestStack;
import dev.rcpat.testing.TokenEndpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static dev.rcpat.testing.Api.auth;
import static dev.rcpat.testing.Api.json;
import static dev.rcpat.testing.TokenEndpoints.UNAUTHORIZED;
import static dev.rcpat.testing.TokenEndpoints.assertStatusAndBody;
import static dev.rcpat.testing.TokenEndpoints.body;
import static dev.rcpat.testing.TokenEndpoints.invalidParams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ours: optional expiry of personal access tokens, bounded by MAX_TOKEN_LIFETIME_DAYS. */
@ExtendWith(LogSecretScan.class)
class TokenExpiryIT {

    static final long DAY = Duration.ofDays(1).toMillis();

    final TestStack stack = TestStack.get();
    final MutableClock clock = MutableClock.startingNow();
    final TokenEndpoints api = new TokenEndpoints(stack.services(Map.of(), clock));
    final Login user = stack.login(UserAdmin.NewUser.named("exp-" + UserAdmin.newUserId()));
    final String userId = user.userId();
    final Map<String, String> login = user.headers();

    @Test
    void anExpiredTokenGets401AndIsListedWithItsExpiry() {
        long createdAt = clock.millis();
        String token = api.generate(login, "{\"tokenName\":\"short\",\"expiresInDays\":1}").token();
        assertEquals(Long.valueOf(createdAt + DAY), storedExpiresAt("short"));

        clock.advance(Duration.ofMillis(DAY - 1));
        assertTrue(api.authenticates(userId, token), "valid until the last millisecond");
        long lastUse = clock.millis();
        clock.advance(Duration.ofMillis(1));
        assertStatusAndBody(401, UNAUTHORIZED, api.list(auth(userId, token)));
        assertStatusAndBody(401, UNAUTHORIZED, api.generate(auth(userId, token), body("x")));
        assertStatusAndBody(200, "{\"tokens\":[{\"name\":\"short\",\"createdAt\":\"" + IsoTime.format(createdAt)
                + "\",\"lastTokenPart\":\"" + token.substring(37) + "\",\"bypassTwoFactor\":false,\"lastUsedAt\":\""
                + IsoTime.format(lastUse) + "\",\"expiresAt\":\"" + IsoTime.format(createdAt + DAY) + "\"}],\"success\":true}",
                api.list(login));
    }

    @Test
    void anExpiredTokenCanBeRegeneratedForTheSameLifetime() {
        api.generate(login, "{\"tokenName\":\"weekly\",\"expiresInDays\":7}");
        clock.advance(Duration.ofDays(10));
        String fresh = api.regenerate(login, body("weekly")).token();
        assertEquals(Long.valueOf(clock.millis() + 7 * DAY), storedExpiresAt("weekly"));
        assertTrue(api.authenticates(userId, fresh));
    }

    @Test
    void expiresAtAcceptsAnIsoDateTimeWithAnyOffset() {
        Instant at = Instant.ofEpochMilli(clock.millis()).plus(Duration.ofDays(3)).atOffset(ZoneOffset.UTC)
                .withNano(123_000_000).toInstant();
        String withOffset = at.atOffset(ZoneOffset.ofHours(2)).toString();
        assertEquals(200, api.generate(login, "{\"tokenName\":\"iso\",\"expiresAt\":\"" + withOffset + "\"}").status());
        assertEquals(Long.valueOf(at.toEpochMilli()), storedExpiresAt("iso"));
        assertEquals(json("\"" + IsoTime.format(at.toEpochMilli()) + "\""), api.tokens(login).get(0).get("expiresAt"));
        assertTrue(IsoTime.format(at.toEpochMilli()).endsWith(".123Z"));
    }

    @Test
    void formBodiesCarryExpiresInDaysAsText() {
        Map<String, String> form = auth(userId, login.get("X-Auth-Token"));
        form.put("Content-Type", "application/x-www-form-urlencoded");
        assertEquals(200, api.generate(form, "tokenName=form&expiresInDays=5").status());
        assertEquals(Long.valueOf(clock.millis() + 5 * DAY), storedExpiresAt("form"));
    }

    @Test
    void withoutAnExpiryATokenNeverExpires() {
        String token = api.generate(login, "{\"tokenName\":\"forever\",\"expiresAt\":null,\"expiresInDays\":null}").token();
        assertEquals(null, storedExpiresAt("forever"));
        clock.advance(Duration.ofDays(80));
        assertTrue(api.authenticates(userId, token));
    }

    @Test
    void invalidExpiriesAreInvalidParamsNamingTheField() {
        String future = Instant.ofEpochMilli(clock.millis()).plus(Duration.ofDays(1)).toString();
        String past = Instant.ofEpochMilli(clock.millis()).minus(Duration.ofMinutes(1)).toString();
        String iso = "The 'expiresAt' param must be an ISO-8601 date-time with a time zone, such as 2027-01-31T00:00:00.000Z";
        String days = "The 'expiresInDays' param must be a positive whole number";
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("\"expiresAt\":\"" + future + "\",\"expiresInDays\":1",
                "Give either the 'expiresAt' param or the 'expiresInDays' param, not both");
        cases.put("\"expiresAt\":42", iso);
        cases.put("\"expiresAt\":\"tomorrow\"", iso);
        cases.put("\"expiresAt\":\"2027-01-31T00:00:00\"", iso);
        cases.put("\"expiresAt\":\"2027-01-31\"", iso);
        cases.put("\"expiresAt\":\"" + past + "\"", "The 'expiresAt' param must be in the future");
        cases.put("\"expiresAt\":\"+999999999-12-31T23:59:59Z\"", "The 'expiresAt' param must be at most 36500 days in the future");
        cases.put("\"expiresInDays\":0", days);
        cases.put("\"expiresInDays\":-3", days);
        cases.put("\"expiresInDays\":1.5", days);
        cases.put("\"expiresInDays\":\"abc\"", days);
        cases.put("\"expiresInDays\":true", days);
        cases.put("\"expiresInDays\":36501", "The 'expiresInDays' param must be at most 36500");
        cases.put("\"expiresInDays\":123456789012345678901234567890", "The 'expiresInDays' param must be at most 36500");
        for (var c : cases.entrySet()) {
            Api.Response r = api.generate(login, "{\"tokenName\":\"bad\"," + c.getKey() + "}");
            assertStatusAndBody(400, invalidParams(c.getValue()), r);
        }
        assertFalse(stack.admin().rawItem(userId).get("personalAccessTokens").m().containsKey("bad"));
    }

    @Test
    void theConfiguredMaximumBoundsEveryToken() {
        TokenEndpoints capped = new TokenEndpoints(stack.services(Map.of(Settings.MAX_TOKEN_LIFETIME_DAYS, "30"), clock));
        String tooFar = Instant.ofEpochMilli(clock.millis()).plus(Duration.ofDays(30)).plusMillis(1).toString();
        assertStatusAndBody(400, invalidParams("The 'expiresInDays' param must be at most 30"),
                capped.generate(login, "{\"tokenName\":\"x\",\"expiresInDays\":31}"));
        assertStatusAndBody(400, invalidParams("The 'expiresAt' param must be at most 30 days in the future"),
                capped.generate(login, "{\"tokenName\":\"x\",\"expiresAt\":\"" + tooFar + "\"}"));

        assertEquals(200, capped.generate(login, "{\"tokenName\":\"max\",\"expiresInDays\":30}").status());
        assertEquals(Long.valueOf(clock.millis() + 30 * DAY), storedExpiresAt("max"));
        assertEquals(200, capped.generate(login, body("default")).status());
        assertEquals(Long.valueOf(clock.millis() + 30 * DAY), storedExpiresAt("default"), "no expiry asked: the maximum");

        // A token made before the maximum was configured is regenerated within it.
        api.generate(login, body("old-forever"));
        clock.advance(Duration.ofDays(1));
        capped.regenerate(login, body("old-forever"));
        assertEquals(Long.valueOf(clock.millis() + 30 * DAY), storedExpiresAt("old-forever"));
    }

    Long storedExpiresAt(String name) {
        var record = stack.admin().rawItem(userId).get("personalAccessTokens").m().get(name).m();
        return record.containsKey("expiresAt") ? Long.valueOf(record.get("expiresAt").n()) : null;
    }
}
