package dev.rcpat.tokens;

import dev.rcpat.auth.Secrets;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.MutableClock;
import dev.rcpat.testing.TestStack;
import dev.rcpat.testing.TokenEndpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.rcpat.testing.Api.auth;
import static dev.rcpat.testing.Api.json;
import static dev.rcpat.testing.TokenEndpoints.FORBIDDEN;
import static dev.rcpat.testing.TokenEndpoints.assertStatusAndBody;
import static dev.rcpat.testing.TokenEndpoints.body;
import static dev.rcpat.testing.TokenEndpoints.entry;
import static dev.rcpat.testing.TokenEndpoints.requestLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** users.getPersonalAccessTokens against dynalite, through the real handlers and SDK clients. */
@ExtendWith(LogSecretScan.class)
class ListTokensIT {

    final TestStack stack = TestStack.get();
    final MutableClock clock = MutableClock.startingNow();
    final TokenEndpoints api = new TokenEndpoints(stack.services(Map.of(), clock));
    final Login user = stack.login(UserAdmin.NewUser.named("list-" + UserAdmin.newUserId()));
    final String userId = user.userId();
    final Map<String, String> login = user.headers();

    @Test
    void noTokensIsAnEmptyArray() {
        assertStatusAndBody(200, "{\"tokens\":[],\"success\":true}", api.list(login));
    }

    @Test
    void aBodyOnTheGetIsIgnored() {
        assertStatusAndBody(200, "{\"tokens\":[],\"success\":true}", api.list(login, "{not json"));
    }

    @Test
    void tokensInCreationOrderWithoutHashes() {
        long t0 = clock.millis();
        String b = api.generate(login, body("b")).token();
        clock.advance(Duration.ofSeconds(1));
        String a = api.generate(login, "{\"tokenName\":\"a\",\"bypassTwoFactor\":true}").token();
        clock.advance(Duration.ofSeconds(1));
        String c = api.generate(login, body("c")).token();
        Api.Response r = api.list(login);
        assertStatusAndBody(200, "{\"tokens\":["
                + entry("b", t0, b, false) + ","
                + entry("a", t0 + 1000, a, true) + ","
                + entry("c", t0 + 2000, c, false) + "],\"success\":true}", r);
        for (String token : List.of(a, b, c)) {
            assertFalse(r.raw().contains(Secrets.hashToken(token)), "a hash in the list");
        }

        clock.advance(Duration.ofSeconds(1));
        String b2 = api.regenerate(login, body("b")).token();
        assertEquals(json("[" + entry("a", t0 + 1000, a, true) + "," + entry("c", t0 + 2000, c, false) + ","
                + entry("b", t0 + 3000, b2, false) + "]"), api.tokens(login), "a regenerated token is created anew");
    }

    @Test
    void lastUsedAtIsRecordedAtMostOnceAMinuteAndListed() {
        long createdAt = clock.millis();
        String ci = api.generate(login, body("ci")).token();
        assertEquals(json("[" + entry("ci", createdAt, ci, false) + "]"), api.tokens(login), "never used yet");

        clock.advance(Duration.ofSeconds(10));
        long firstUse = clock.millis();
        assertEquals(json("[" + entry("ci", createdAt, ci, false) + "]"), api.tokens(auth(userId, ci)),
                "the list shows the uses before this request");
        assertEquals(json("[" + entry("ci", createdAt, ci, false, firstUse) + "]"), api.tokens(login));

        clock.advance(Duration.ofSeconds(30));
        int before = LogCapture.lines().size();
        api.tokens(auth(userId, ci));
        assertEquals(1, requestLine(before, "users.getPersonalAccessTokens").get("dynamodbCalls").asInt(),
                "a use within the minute writes nothing");
        assertEquals(json("[" + entry("ci", createdAt, ci, false, firstUse) + "]"), api.tokens(login));

        clock.advance(Duration.ofSeconds(31));
        long laterUse = clock.millis();
        before = LogCapture.lines().size();
        String other = api.generate(auth(userId, ci), body("other")).token(); // the use travels in the endpoint's write
        assertEquals(2, requestLine(before, "users.generatePersonalAccessToken").get("dynamodbCalls").asInt());
        assertEquals(json("[" + entry("ci", createdAt, ci, false, laterUse) + "," + entry("other", laterUse, other, false) + "]"),
                api.tokens(login));

        clock.advance(Duration.ofMinutes(2));
        long refusedUse = clock.millis();
        assertEquals(400, api.regenerate(auth(userId, ci), body("no-such-name")).status());
        assertEquals(json("[" + entry("ci", createdAt, ci, false, refusedUse) + "," + entry("other", laterUse, other, false) + "]"),
                api.tokens(login), "refused requests record the use too");
    }

    @Test
    void aUserWithoutThePermissionGets403() {
        Map<String, String> guest = stack.login(UserAdmin.NewUser.named("guest-" + UserAdmin.newUserId()).roles("guest")).headers();
        assertStatusAndBody(403, FORBIDDEN, api.list(guest));
    }
}
