package dev.rcpat.tokens;

import dev.rcpat.domain.Permissions;
import dev.rcpat.domain.IsoTime;
import dev.rcpat.config.Settings;
import dev.rcpat.local.TemplateTables;
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
import java.util.List;
import java.util.Map;

import static dev.rcpat.testing.Api.auth;
import static dev.rcpat.testing.TokenEndpoints.FORBIDDEN;
import static dev.rcpat.testing.TokenEndpoints.NAMELESS_BODIES;
import static dev.rcpat.testing.TokenEndpoints.NAME_REQUIRED;
import static dev.rcpat.testing.TokenEndpoints.UNAUTHORIZED;
import static dev.rcpat.testing.TokenEndpoints.assertStatusAndBody;
import static dev.rcpat.testing.TokenEndpoints.body;
import static dev.rcpat.testing.TokenEndpoints.notAuthorized;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rocket.Chat's own end-to-end cases for the four token endpoints, in its order, with one shared
 * token name, as an admin; then the same calls with the permission given to no role.
 */
@ExtendWith(LogSecretScan.class)
class TokenLifecycleIT {

    static final String PERMISSION = Permissions.CREATE_PERSONAL_ACCESS_TOKENS;
    static final String NAME = "e2e-token";
    static final String UNKNOWN = "tokenthatdoesnotexist";

    final TestStack stack = TestStack.get();
    final MutableClock clock = MutableClock.startingNow();
    final TokenEndpoints api = new TokenEndpoints(stack.services(Map.of(), clock));
    final Login adminLogin = stack.login(UserAdmin.NewUser.named("admin-" + UserAdmin.newUserId()).roles("admin"));
    final String adminId = adminLogin.userId();
    final Map<String, String> admin = adminLogin.headers();

    @Test
    void rocketChatsEndToEndCasesInOrder() {
        // list: 200 with a tokens array
        assertStatusAndBody(200, "{\"tokens\":[],\"success\":true}", api.list(admin));

        // generate: 200 with the token
        long generatedAt = clock.millis();
        Api.Response generated = api.generate(admin, body(NAME));
        String first = generated.token();
        assertStatusAndBody(200, "{\"token\":\"" + first + "\",\"success\":true}", generated);

        // generate the same name: 400 error-token-already-exists
        assertStatusAndBody(400, "{\"success\":false,\"error\":\"A token with this name already exists [error-token-already-exists]\","
                + "\"errorType\":\"error-token-already-exists\",\"details\":{\"method\":\"personalAccessTokens:generateToken\"}}",
                api.generate(admin, body(NAME)));

        // regenerate: 200 with a new token; the old one no longer authenticates
        clock.advance(Duration.ofMinutes(5));
        long regeneratedAt = clock.millis();
        Api.Response regenerated = api.regenerate(admin, body(NAME));
        String second = regenerated.token();
        assertStatusAndBody(200, "{\"token\":\"" + second + "\",\"success\":true}", regenerated);
        assertNotEquals(first, second);
        assertTrue(second.matches("^[A-Za-z0-9_-]{43}$"), second);
        assertStatusAndBody(401, UNAUTHORIZED, api.list(auth(adminId, first)));
        clock.advance(Duration.ofMinutes(1));
        long secondUsedAt = clock.millis();
        assertStatusAndBody(200, "{\"tokens\":[{\"name\":\"" + NAME + "\",\"createdAt\":\"" + IsoTime.format(regeneratedAt)
                + "\",\"lastTokenPart\":\"" + second.substring(37) + "\",\"bypassTwoFactor\":false}],\"success\":true}",
                api.list(auth(adminId, second)));

        // regenerate an unknown name: 400 error-token-does-not-exists
        assertStatusAndBody(400, "{\"success\":false,\"error\":\"Token does not exist [error-token-does-not-exists]\","
                + "\"errorType\":\"error-token-does-not-exists\",\"details\":{\"method\":\"personalAccessTokens:regenerateToken\"}}",
                api.regenerate(admin, body(UNKNOWN)));

        // list: 200, one entry with the new token's last part (and, ours, when it was last used)
        assertStatusAndBody(200, "{\"tokens\":[{\"name\":\"" + NAME + "\",\"createdAt\":\"" + IsoTime.format(regeneratedAt)
                + "\",\"lastTokenPart\":\"" + second.substring(37) + "\",\"bypassTwoFactor\":false,"
                + "\"lastUsedAt\":\"" + IsoTime.format(secondUsedAt) + "\"}],\"success\":true}",
                api.list(admin));
        assertNotEquals(generatedAt, regeneratedAt);

        // remove: 200; the token no longer authenticates
        assertStatusAndBody(200, "{\"success\":true}", api.remove(admin, body(NAME)));
        assertStatusAndBody(401, UNAUTHORIZED, api.list(auth(adminId, second)));
        assertStatusAndBody(200, "{\"tokens\":[],\"success\":true}", api.list(admin));

        // remove an unknown name: 400
        assertStatusAndBody(400, "{\"success\":false,\"error\":\"Token does not exist [error-token-does-not-exists]\","
                + "\"errorType\":\"error-token-does-not-exists\",\"details\":{\"method\":\"personalAccessTokens:removeToken\"}}",
                api.remove(admin, body(UNKNOWN)));
    }

    @Test
    void withThePermissionNotStoredRocketChatsDefaultRolesHoldIt() throws Exception {
        // A newly deployed stack: the permissions table is empty.
        TemplateTables fresh = TemplateTables.read(TestStack.PROJECT.resolve("template.yaml"),
                "noperm" + UserAdmin.newUserId().toLowerCase());
        fresh.createAll(stack.dynamo());
        TokenEndpoints unseeded = new TokenEndpoints(stack.services(
                Map.of(Settings.PERMISSIONS_TABLE, fresh.tableName("PermissionsTable")), clock));
        Login user = stack.login(UserAdmin.NewUser.named("user-" + UserAdmin.newUserId()).roles("user"));
        Login guest = stack.login(UserAdmin.NewUser.named("guest-" + UserAdmin.newUserId()).roles("guest"));

        Api.Response byAdmin = unseeded.generate(admin, body(NAME));
        assertStatusAndBody(200, "{\"token\":\"" + byAdmin.token() + "\",\"success\":true}", byAdmin);
        Api.Response byUser = unseeded.generate(user.headers(), body(NAME));
        assertStatusAndBody(200, "{\"token\":\"" + byUser.token() + "\",\"success\":true}", byUser);
        assertStatusAndBody(200, "{\"tokens\":[{\"name\":\"" + NAME + "\",\"createdAt\":\"" + IsoTime.format(clock.millis())
                + "\",\"lastTokenPart\":\"" + byUser.token().substring(37) + "\",\"bypassTwoFactor\":false}],\"success\":true}",
                unseeded.list(user.headers()));
        assertStatusAndBody(400, notAuthorized("generateToken"), unseeded.generate(guest.headers(), body(NAME)));
        assertStatusAndBody(403, FORBIDDEN, unseeded.list(guest.headers()));
    }

    @Test
    void withThePermissionGivenToNoRole() {
        String existing = api.generate(admin, body(NAME)).token();
        stack.admin().setPermission(PERMISSION, List.of());
        try {
            assertStatusAndBody(400, notAuthorized("generateToken"), api.generate(admin, body("another")));
            assertStatusAndBody(400, notAuthorized("regenerateToken"), api.regenerate(admin, body(NAME)));
            assertStatusAndBody(400, notAuthorized("removeToken"), api.remove(admin, body(NAME)));
            assertStatusAndBody(400, notAuthorized("removeToken"), api.remove(admin, body(UNKNOWN)));
            assertStatusAndBody(403, FORBIDDEN, api.list(admin));
            // A missing name is answered before the permission is looked at.
            for (String nameless : NAMELESS_BODIES) {
                assertStatusAndBody(400, NAME_REQUIRED, api.generate(admin, nameless));
                assertStatusAndBody(400, NAME_REQUIRED, api.regenerate(admin, nameless));
                assertStatusAndBody(400, NAME_REQUIRED, api.remove(admin, nameless));
            }
        } finally {
            stack.admin().setPermission(PERMISSION, List.of("admin", "user"));
        }
        assertTrue(api.authenticates(adminId, existing), "nothing was changed without the permission");
        assertStatusAndBody(200, "{\"tokens\":[{\"name\":\"" + NAME + "\",\"createdAt\":\"" + IsoTime.format(clock.millis())
                + "\",\"lastTokenPart\":\"" + existing.substring(37) + "\",\"bypassTwoFactor\":false,"
                + "\"lastUsedAt\":\"" + IsoTime.format(clock.millis()) + "\"}],\"success\":true}", api.list(admin));
    }
}
