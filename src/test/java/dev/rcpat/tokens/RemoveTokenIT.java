package dev.rcpat.tokens;

import com.fasterxml.jackson.databind.JsonNode;
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
import static dev.rcpat.testing.TokenEndpoints.NAMELESS_BODIES;
import static dev.rcpat.testing.TokenEndpoints.NAME_REQUIRED;
import static dev.rcpat.testing.TokenEndpoints.UNAUTHORIZED;
import static dev.rcpat.testing.TokenEndpoints.assertAuditLine;
import static dev.rcpat.testing.TokenEndpoints.assertStatusAndBody;
import static dev.rcpat.testing.TokenEndpoints.body;
import static dev.rcpat.testing.TokenEndpoints.invalidParams;
import static dev.rcpat.testing.TokenEndpoints.notAuthorized;
import static dev.rcpat.testing.TokenEndpoints.requestLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** users.removePersonalAccessToken against dynalite, through the real handlers and SDK clients. */
@ExtendWith(LogSecretScan.class)
class RemoveTokenIT {

    final TestStack stack = TestStack.get();
    final MutableClock clock = MutableClock.startingNow();
    final TokenEndpoints api = new TokenEndpoints(stack.services(Map.of(), clock));
    final Login user = stack.login(UserAdmin.NewUser.named("rm-" + UserAdmin.newUserId()));
    final String userId = user.userId();
    final Map<String, String> login = user.headers();

    @Test
    void removesOnlyTheNamedTokenAndItStopsAtOnce() {
        String kept = api.generate(login, body("kept")).token();
        String gone = api.generate(login, body("gone")).token();
        assertStatusAndBody(200, "{\"success\":true}", api.remove(login, body("gone")));
        assertStatusAndBody(401, UNAUTHORIZED, api.list(auth(userId, gone)));
        assertTrue(api.authenticates(userId, kept));
        assertEquals(java.util.Set.of("kept"), stack.admin().rawItem(userId).get("personalAccessTokens").m().keySet());
    }

    @Test
    void aTokenCanRemoveItselfInOneReadAndOneWrite() {
        String own = api.generate(login, body("self")).token();
        clock.advance(Duration.ofMinutes(2)); // the token's lastUsedAt would be due
        int before = LogCapture.lines().size();
        assertStatusAndBody(200, "{\"success\":true}", api.remove(auth(userId, own), body("self")));
        JsonNode line = requestLine(before, "users.removePersonalAccessToken");
        assertEquals(2, line.get("dynamodbCalls").asInt(), "no lastUsedAt write for the removed token");
        assertStatusAndBody(401, UNAUTHORIZED, api.remove(auth(userId, own), body("self")));
        assertStatusAndBody(200, "{\"tokens\":[],\"success\":true}", api.list(login));
    }

    @Test
    void missingOrInvalidNameIsRefusedAsGenerateRefusesIt() {
        for (String b : NAMELESS_BODIES) {
            assertStatusAndBody(400, NAME_REQUIRED, api.remove(login, b));
        }
        assertStatusAndBody(400, invalidParams("The 'tokenName' param must be a string"), api.remove(login, "{\"tokenName\":[1]}"));
    }

    @Test
    void thePermissionIsCheckedBeforeTheNameExists() {
        Map<String, String> guest = stack.login(UserAdmin.NewUser.named("guest-" + UserAdmin.newUserId()).roles("guest")).headers();
        assertStatusAndBody(400, notAuthorized("removeToken"), api.remove(guest, body("does-not-exist")));
    }

    @Test
    void withoutABypassTokenASecondFactorIsRequired() {
        String pwUserId = stack.admin().createUser(UserAdmin.NewUser.named("pw-" + UserAdmin.newUserId())
                .password(LogCapture.secret("correct horse battery staple"))).userId();
        String ordinary = api.seedToken(pwUserId, "ordinary", false, clock.millis());
        Api.Response r = api.remove(auth(pwUserId, ordinary), body("ordinary"));
        assertStatusAndBody(400, "{\"success\":false,\"error\":\"TOTP Required [totp-required]\",\"errorType\":\"totp-required\","
                + "\"details\":{\"method\":\"password\",\"codeGenerated\":false,\"availableMethods\":[]}}", r);
        assertTrue(api.authenticates(pwUserId, ordinary));

        String bot = api.seedToken(pwUserId, "bot", true, clock.millis());
        assertStatusAndBody(200, "{\"success\":true}", api.remove(auth(pwUserId, bot), body("ordinary")));
        assertFalse(api.authenticates(pwUserId, ordinary));
    }

    @Test
    void writesAnAuditLineWithTheRemovedTokensLastPart() {
        String token = api.generate(login, body("audited")).token();
        api.remove(login, body("audited"));
        List<JsonNode> lines = TokenEndpoints.auditLines(userId);
        assertAuditLine("removed", userId, "audited", token, lines.get(lines.size() - 1));
    }
}
