package dev.rcpat.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.auth.Secrets;
import dev.rcpat.config.Settings;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.AuthenticatorApp;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.MutableClock;
import dev.rcpat.testing.SessionEndpoints;
import dev.rcpat.testing.TestStack;
import dev.rcpat.testing.TokenEndpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.rcpat.testing.Api.json;
import static dev.rcpat.testing.SessionEndpoints.UNAUTHORIZED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /api/v1/login against the emulators: every body shape, failures, second factors, blocking, pruning. */
@ExtendWith(LogSecretScan.class)
class LoginIT {

    static final String PASSWORD = "correct horse battery staple";

    final TestStack stack = TestStack.get();
    final MutableClock clock = MutableClock.midStep();
    final SessionEndpoints api = new SessionEndpoints(stack.services(Map.of(), clock));

    String username(String prefix) {
        return prefix + "-" + UserAdmin.newUserId().toLowerCase();
    }

    UserAdmin.Created user(UserAdmin.NewUser spec) {
        LogCapture.secret(PASSWORD);
        LogCapture.secret(Secrets.sha256Hex(PASSWORD));
        return stack.createUser(spec.password(PASSWORD));
    }

    static String body(String user, String password) {
        return "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}";
    }

    /** A 200 login answer: the user's id, a new 43-character token that authenticates, and the user shown as me. */
    void assertLoggedIn(UserAdmin.Created user, Api.Response r) {
        assertEquals(200, r.status(), r.raw());
        String token = r.body().path("data").path("authToken").asText();
        assertTrue(token.matches("^[A-Za-z0-9_-]{43}$"), token);
        assertEquals(json("{\"status\":\"success\",\"data\":{\"userId\":\"" + user.userId() + "\",\"authToken\":\""
                + token + "\",\"me\":" + r.body().path("data").path("me") + "},\"success\":true}"), r.body());
        assertEquals(user.userId(), r.body().path("data").path("me").path("_id").asText());
        assertTrue(new TokenEndpoints(stack.services()).authenticates(user.userId(), token));
    }

    @Test
    void logsInByUsernameEmailUpperCaseEmailDigestAndEveryBodyShape() {
        String name = username("alice");
        String address = name + "@rcpat.test";
        UserAdmin.Created alice = user(UserAdmin.NewUser.named(name).email(address, true));
        String digest = Secrets.sha256Hex(PASSWORD);
        for (String body : List.of(
                body(name, PASSWORD),
                body(address, PASSWORD),
                body(address.toUpperCase(), PASSWORD),
                body(name.toUpperCase(), PASSWORD),
                "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}",
                "{\"email\":\"" + address + "\",\"password\":\"" + PASSWORD + "\"}",
                "{\"user\":{\"username\":\"" + name + "\"},\"password\":\"" + PASSWORD + "\"}",
                "{\"user\":{\"email\":\"" + address + "\"},\"password\":\"" + PASSWORD + "\"}",
                "{\"user\":\"" + name + "\",\"password\":{\"digest\":\"" + digest + "\",\"algorithm\":\"sha-256\"}}",
                "{\"user\":\"" + name + "\",\"password\":{\"digest\":\"" + digest.toUpperCase() + "\",\"algorithm\":\"sha-256\"}}")) {
            assertLoggedIn(alice, api.login(body));
        }
        assertLoggedIn(alice, api.login("user=" + name + "&password=" + PASSWORD.replace(" ", "+"),
                Map.of("Content-Type", "application/x-www-form-urlencoded"), "203.0.113.10"));
    }

    @Test
    void meShowsTheUserWithoutAnySecret() {
        String name = username("shown");
        UserAdmin.Created u = user(UserAdmin.NewUser.named(name).email(name + "@rcpat.test", true)
                .email("other-" + name + "@rcpat.test", false).withTotp());
        JsonNode me = api.login(body(name, PASSWORD), Map.of("x-2fa-code",
                LogCapture.secret(AuthenticatorApp.code(u.totpSecret(), clock.millis()))), "203.0.113.10")
                .body().path("data").path("me");
        assertEquals(json("{\"_id\":\"" + u.userId() + "\",\"username\":\"" + name + "\",\"emails\":[{\"address\":\""
                + name + "@rcpat.test\",\"verified\":true},{\"address\":\"other-" + name + "@rcpat.test\",\"verified\":false}],"
                + "\"status\":\"offline\",\"active\":true,\"roles\":[\"user\"],\"email\":\"" + name + "@rcpat.test\","
                + "\"settings\":{\"profile\":{},\"preferences\":{}},\"services\":{\"password\":{\"exists\":true},"
                + "\"totp\":{\"enabled\":true},\"email2fa\":{\"enabled\":false}}}"), me);
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() {
        String name = username("bob");
        user(UserAdmin.NewUser.named(name));
        Api.Response wrong = api.login(body(name, "wrong password"));
        Api.Response unknown = api.login(body(username("nobody"), PASSWORD));
        Api.Response noPassword = api.login("{\"user\":\"" + name + "\"}");
        for (Api.Response r : List.of(wrong, unknown, noPassword)) {
            assertEquals(401, r.status(), r.raw());
            TokenEndpoints.assertBody(UNAUTHORIZED, r);
        }
        assertEquals(wrong.raw(), unknown.raw());
    }

    @Test
    void anInactiveUserIsToldSoOnlyWithTheRightPassword() {
        String name = username("inactive");
        user(UserAdmin.NewUser.named(name).inactive());
        assertEquals(UNAUTHORIZED, api.login(body(name, "wrong")).raw());
        Api.Response r = api.login(body(name, PASSWORD));
        assertEquals(401, r.status());
        assertEquals("{\"success\":false,\"error\":\"error-user-is-not-activated\",\"status\":\"error\","
                + "\"message\":\"User is not activated\"}", r.raw());
    }

    @Test
    void aTotpUserIsChallengedThenLogsInWithACodeFromAnIndependentApp() {
        String name = username("tina");
        UserAdmin.Created tina = user(UserAdmin.NewUser.named(name).withTotp());
        Api.Response challenged = api.login(body(name, PASSWORD));
        assertEquals(401, challenged.status());
        assertEquals("{\"success\":false,\"error\":\"totp-required\",\"status\":\"error\",\"details\":{\"method\":\"totp\","
                + "\"codeGenerated\":false,\"availableMethods\":[\"totp\"]},\"message\":\"TOTP Required\"}", challenged.raw());
        Api.Response wrong = api.login("{\"user\":\"" + name + "\",\"password\":\"" + PASSWORD + "\",\"code\":\"000000\"}");
        if (!AuthenticatorApp.code(tina.totpSecret(), clock.millis()).equals("000000")) {
            assertEquals("{\"success\":false,\"error\":\"totp-invalid\",\"status\":\"error\",\"details\":{\"method\":\"totp\","
                    + "\"codeGenerated\":false,\"availableMethods\":[\"totp\"]},\"message\":\"TOTP Invalid\"}", wrong.raw());
        }
        String code = LogCapture.secret(AuthenticatorApp.code(tina.totpSecret(), clock.millis()));
        assertLoggedIn(tina, api.login("{\"user\":\"" + name + "\",\"password\":\"" + PASSWORD + "\",\"code\":\"" + code + "\"}"));
        Api.Response replayed = api.login(body(name, PASSWORD), Map.of("x-2fa-code", code), "203.0.113.10");
        assertEquals("totp-invalid", replayed.body().path("error").asText(), "a spent code is refused");
        clock.advance(Duration.ofSeconds(30));
        assertLoggedIn(tina, api.login(body(name, PASSWORD), Map.of("x-2fa-code",
                LogCapture.secret(AuthenticatorApp.code(tina.totpSecret(), clock.millis()))), "203.0.113.10"));
    }

    @Test
    void anEmailUserReceivesAMailAndLogsInWithItsCode() {
        String name = username("eve");
        String address = name + "@rcpat.test";
        UserAdmin.Created eve = user(UserAdmin.NewUser.named(name).email(address, true).withEmail2fa());
        Api.Response challenged = api.login(body(address, PASSWORD));
        assertEquals("{\"success\":false,\"error\":\"totp-required\",\"status\":\"error\",\"details\":{\"method\":\"email\","
                + "\"codeGenerated\":true,\"emailOrUsername\":\"" + name + "\",\"availableMethods\":[\"email\"]},"
                + "\"message\":\"TOTP Required\"}", challenged.raw());
        List<dev.rcpat.testing.SesMailbox.Mail> mails = stack.mailbox().to(address);
        assertEquals(1, mails.size());
        Matcher m = Pattern.compile("(\\d{3})-(\\d{3})").matcher(mails.get(0).text());
        assertTrue(m.find(), mails.get(0).text());
        String code = LogCapture.secret(m.group(1) + m.group(2));
        assertLoggedIn(eve, api.login("{\"user\":\"" + address + "\",\"password\":\"" + PASSWORD + "\",\"code\":\""
                + m.group(1) + "-" + m.group(2) + "\"}"));
        assertEquals("totp-required", api.login(body(address, PASSWORD)).body().path("error").asText(),
                "the code was spent by the login");
        assertNotEquals(code, "");
    }

    @Test
    void theEleventhAttemptAfterTenWrongPasswordsIsBlockedEvenWhenRightUntilTheBlockEnds() {
        String name = username("guessed");
        UserAdmin.Created u = user(UserAdmin.NewUser.named(name));
        for (int i = 0; i < 10; i++) {
            assertEquals(UNAUTHORIZED, api.login(body(name, "guess " + i), Map.of(), "198.51.100." + i).raw());
        }
        String blocked = "{\"success\":false,\"error\":\"error-login-blocked-for-user\",\"status\":\"error\","
                + "\"message\":\"Login has been temporarily blocked For User\"}";
        assertEquals(blocked, api.login(body(name, PASSWORD), Map.of(), "198.51.100.99").raw());
        clock.advance(Duration.ofSeconds(299));
        assertEquals(blocked, api.login(body(name, PASSWORD), Map.of(), "198.51.100.99").raw());
        clock.advance(Duration.ofSeconds(1));
        assertLoggedIn(u, api.login(body(name, PASSWORD), Map.of(), "198.51.100.99"));
        assertEquals(0, stack.admin().findById(u.userId()).orElseThrow().loginAttempts().failures(),
                "a success forgets the failures");
    }

    @Test
    void aClientAddressIsBlockedAfterItsFailuresWhateverTheUsers() {
        SessionEndpoints strict = new SessionEndpoints(stack.services(
                Map.of(Settings.BLOCK_FAILED_LOGINS_IP_ATTEMPTS, "3", Settings.BLOCK_FAILED_LOGINS_SECONDS, "60"), clock));
        String ip = "192.0.2." + (1 + (int) (Math.random() * 250));
        String name = username("victim");
        UserAdmin.Created u = user(UserAdmin.NewUser.named(name));
        strict.login(body(username("a"), "x"), Map.of(), ip);
        strict.login(body(username("b"), "x"), Map.of(), ip);
        strict.login(body(name, "x"), Map.of(), ip);
        String blocked = "{\"success\":false,\"error\":\"error-login-blocked-for-ip\",\"status\":\"error\","
                + "\"message\":\"Login has been temporarily blocked For IP\"}";
        assertEquals(blocked, strict.login(body(name, PASSWORD), Map.of(), ip).raw());
        assertLoggedIn(u, strict.login(body(name, PASSWORD), Map.of(), "192.0.2.254"));
        clock.advance(Duration.ofSeconds(60));
        assertLoggedIn(u, strict.login(body(name, PASSWORD), Map.of(), ip));
    }

    @Test
    void withBlockingOffNothingIsCountedOrBlocked() {
        SessionEndpoints lenient = new SessionEndpoints(stack.services(
                Map.of(Settings.BLOCK_FAILED_LOGINS_ENABLED, "false"), clock));
        String name = username("lenient");
        UserAdmin.Created u = user(UserAdmin.NewUser.named(name));
        for (int i = 0; i < 12; i++) {
            lenient.login(body(name, "wrong"));
        }
        assertLoggedIn(u, lenient.login(body(name, PASSWORD)));
        assertEquals(0, stack.admin().findById(u.userId()).orElseThrow().loginAttempts().failures());
    }

    @Test
    void theFiftyFirstLoginLeavesFiftyLoginTokensAndEveryPersonalAccessToken() {
        String name = username("busy");
        UserAdmin.Created u = user(UserAdmin.NewUser.named(name));
        TokenEndpoints tokens = new TokenEndpoints(stack.services());
        for (int i = 0; i < 3; i++) {
            tokens.seedToken(u.userId(), "pat-" + i, true, clock.millis());
        }
        String first = null;
        for (int i = 0; i < 51; i++) {
            clock.advance(Duration.ofMillis(10));
            String token = api.login(body(name, PASSWORD)).body().path("data").path("authToken").asText();
            if (i == 0) {
                first = token;
            }
        }
        var item = stack.admin().rawItem(u.userId());
        assertEquals(50, item.get("loginTokens").m().size());
        assertEquals(3, item.get("personalAccessTokens").m().size());
        assertFalse(item.get("loginTokens").m().containsKey(Secrets.hashToken(first)), "the oldest went");
        assertFalse(tokens.authenticates(u.userId(), first));
    }

    @Test
    void resumeAnswersWithTheSameTokenAndRefusesAnyOther() {
        String name = username("resumer");
        UserAdmin.Created u = user(UserAdmin.NewUser.named(name));
        String token = api.login(body(name, PASSWORD)).body().path("data").path("authToken").asText();
        Api.Response resumed = api.login("{\"resume\":\"" + token + "\"}");
        assertEquals(200, resumed.status(), resumed.raw());
        assertEquals(token, resumed.body().path("data").path("authToken").asText());
        assertEquals(u.userId(), resumed.body().path("data").path("userId").asText());
        assertEquals(UNAUTHORIZED, api.login("{\"resume\":\"not-a-token-of-anyone\"}").raw());
        String pat = new TokenEndpoints(stack.services()).seedToken(u.userId(), "pat", true, clock.millis());
        assertEquals(UNAUTHORIZED, api.login("{\"resume\":\"" + pat + "\"}").raw());
    }

    @Test
    void aLoginIsFourRoundTripsAndWritesOneLogLineWithoutSecrets() {
        String name = username("counted");
        user(UserAdmin.NewUser.named(name));
        int before = LogCapture.lines().size();
        assertEquals(200, api.login(body(name, PASSWORD)).status());
        List<String> lines = LogCapture.lines().subList(before, LogCapture.lines().size());
        assertEquals(1, lines.size(), lines.toString());
        JsonNode line = json(lines.get(0));
        assertEquals("login", line.get("route").asText());
        assertEquals(200, line.get("status").asInt());
        assertEquals(4, line.get("dynamodbCalls").asInt(),
                "lookups read, user read, the token's resume lookup, the user's conditional write");
    }
}
