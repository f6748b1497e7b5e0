package dev.rcpat.session;

import dev.rcpat.local.UserAdmin;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.SessionEndpoints;
import dev.rcpat.testing.TestStack;
import dev.rcpat.testing.TokenEndpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static dev.rcpat.testing.TokenEndpoints.UNAUTHORIZED;
import static dev.rcpat.testing.TokenEndpoints.assertStatusAndBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logout, me and users.2fa.sendEmailCode against the emulators. */
@ExtendWith(LogSecretScan.class)
class SessionIT {

    static final String LOGGED_OUT = "{\"status\":\"success\",\"data\":{\"message\":\"You've been logged out!\"}}";

    final TestStack stack = TestStack.get();
    final SessionEndpoints api = new SessionEndpoints(stack.services());
    final TokenEndpoints tokens = new TokenEndpoints(stack.services());

    @Test
    void afterLogoutTheTokenNoLongerAuthenticates() {
        for (String method : new String[] {"POST", "GET"}) {
            Login l = stack.login(UserAdmin.NewUser.named("out-" + UserAdmin.newUserId()));
            assertStatusAndBody(200, LOGGED_OUT, api.logout(l.headers(), method));
            assertFalse(tokens.authenticates(l.userId(), l.token()), method);
            assertStatusAndBody(401, UNAUTHORIZED, api.logout(l.headers(), method));
        }
    }

    @Test
    void logoutWithAPersonalAccessTokenRemovesThatToken() {
        Login l = stack.login(UserAdmin.NewUser.named("pat-out-" + UserAdmin.newUserId()));
        String pat = tokens.seedToken(l.userId(), "ci", true, System.currentTimeMillis());
        tokens.seedToken(l.userId(), "kept", true, System.currentTimeMillis());
        assertStatusAndBody(200, LOGGED_OUT, api.logout(Api.auth(l.userId(), pat), "POST"));
        assertEquals(1, tokens.tokens(l.headers()).size());
        assertEquals("kept", tokens.tokens(l.headers()).get(0).get("name").asText());
        assertTrue(tokens.authenticates(l.userId(), l.token()), "the login token stays");
    }

    @Test
    void meIsTheSameForALoginTokenAndAPersonalAccessToken() {
        String name = "me-" + UserAdmin.newUserId().toLowerCase();
        Login l = stack.login(UserAdmin.NewUser.named(name).roles("user", "admin").email(name + "@rcpat.test", true));
        String pat = tokens.seedToken(l.userId(), "ci", true, System.currentTimeMillis());
        String expected = "{\"_id\":\"" + l.userId() + "\",\"username\":\"" + name + "\",\"emails\":[{\"address\":\""
                + name + "@rcpat.test\",\"verified\":true}],\"status\":\"offline\",\"active\":true,"
                + "\"roles\":[\"user\",\"admin\"],\"email\":\"" + name + "@rcpat.test\","
                + "\"settings\":{\"profile\":{},\"preferences\":{}},\"services\":{\"password\":{\"exists\":false},"
                + "\"totp\":{\"enabled\":false},\"email2fa\":{\"enabled\":false}},\"success\":true}";
        assertStatusAndBody(200, expected, api.me(l.headers()));
        Api.Response byPat = api.me(Api.auth(l.userId(), pat));
        assertStatusAndBody(200, expected, byPat);
        assertFalse(byPat.raw().contains("hashedToken") || byPat.raw().contains("bcrypt") || byPat.raw().contains(pat));
        assertStatusAndBody(401, UNAUTHORIZED, api.me(Api.auth(l.userId(), "wrong")));
    }

    @Test
    void sendEmailCodeAlwaysSucceedsAndMailsOnlyAUserWithEmailTwoFactor() {
        String name = "mailme-" + UserAdmin.newUserId().toLowerCase();
        String address = name + "@rcpat.test";
        stack.createUser(UserAdmin.NewUser.named(name).email(address, true).withEmail2fa());
        String plain = "plain-" + UserAdmin.newUserId().toLowerCase();
        stack.createUser(UserAdmin.NewUser.named(plain).email(plain + "@rcpat.test", true));
        for (String who : new String[] {name, address.toUpperCase(), plain, "nobody-" + UserAdmin.newUserId(), "x@nowhere.test"}) {
            assertStatusAndBody(200, "{\"success\":true}", api.sendEmailCode("{\"emailOrUsername\":\"" + who + "\"}"));
        }
        assertEquals(2, stack.mailbox().to(address).size(), "one fresh code per request");
        assertEquals(0, stack.mailbox().to(plain + "@rcpat.test").size());
        assertStatusAndBody(400, TokenEndpoints.invalidParams("The 'emailOrUsername' param is required"),
                api.sendEmailCode("{}"));
        LogCapture.lines().stream().filter(line -> line.contains("sendEmailCode")).forEach(line ->
                assertFalse(line.contains(address), "no address in the request line"));
    }
}
