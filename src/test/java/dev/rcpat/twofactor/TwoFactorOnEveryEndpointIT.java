package dev.rcpat.twofactor;

import dev.rcpat.testing.AuthenticatorApp;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.auth.Secrets;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.TokenChange;
import dev.rcpat.http.Pipeline;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.mail.TokenNoticeMail;
import dev.rcpat.mail.ses.SesCodeMailer;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.MutableClock;
import dev.rcpat.testing.SesMailbox;
import dev.rcpat.testing.TestStack;
import dev.rcpat.testing.TokenEndpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.rcpat.testing.Api.auth;
import static dev.rcpat.testing.Api.json;
import static dev.rcpat.testing.TokenEndpoints.UNAUTHORIZED;
import static dev.rcpat.testing.TokenEndpoints.assertStatusAndBody;
import static dev.rcpat.testing.TokenEndpoints.body;
import static dev.rcpat.testing.TokenEndpoints.entry;
import static dev.rcpat.twofactor.TwoFactorClient.assertAnswer;
import static dev.rcpat.twofactor.TwoFactorClient.assertToken;
import static dev.rcpat.twofactor.TwoFactorClient.challenge;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regenerate and remove are challenged exactly as generate is: each case runs on all
 * three endpoints, generate being the reference, through the real handlers, dynalite and the SES
 * emulator. List is not challenged. Each case has its own user; TOTP steps are moved through with
 * the clock the service shares with the test's authenticator.
 */
@ExtendWith(LogSecretScan.class)
class TwoFactorOnEveryEndpointIT {

    static final TestStack stack = TestStack.get();
    static final SesMailbox mailbox = stack.mailbox();
    static final String PASSWORD = "{\"method\":\"password\",\"codeGenerated\":false,\"availableMethods\":[]}";
    /** The name each endpoint generates, regenerates or removes. */
    static final String TARGET = "target";

    final MutableClock clock = MutableClock.midStep();
    /** Remembering off, so every request must show its second factor. */
    final TokenEndpoints api = new TokenEndpoints(stack.services(Map.of(Settings.REMEMBER_FOR_SECONDS, "0"), clock));

    /** The two-factor-protected token endpoints. */
    enum Endpoint { GENERATE, REGENERATE, REMOVE }

    static Login totpUser() {
        return stack.login(UserAdmin.NewUser.named("totp-" + UserAdmin.newUserId()).withTotp());
    }

    String totpCode(Login l) {
        return LogCapture.secret(AuthenticatorApp.code(l.totpSecret(), clock.millis()));
    }

    void nextStep() {
        clock.advance(Duration.ofSeconds(30));
    }

    static Map<String, String> headers(Login l, String token, String code) {
        Map<String, String> h = auth(l.userId(), token);
        if (code != null) {
            h.put(Pipeline.TWO_FACTOR_CODE_HEADER, code);
        }
        return h;
    }

    /** What the endpoint works on: nothing for generate, else an existing PAT named {@link #TARGET}. */
    String existingTarget(Endpoint endpoint, Login l) {
        return endpoint == Endpoint.GENERATE ? null : api.seedToken(l.userId(), TARGET, false, clock.millis());
    }

    Api.Response call(Endpoint endpoint, Map<String, String> headers) {
        return switch (endpoint) {
            case GENERATE -> api.generate(headers, body(TARGET));
            case REGENERATE -> api.regenerate(headers, body(TARGET));
            case REMOVE -> api.remove(headers, body(TARGET));
        };
    }

    /** The names of the user's PATs, as the (unchallenged) list endpoint shows them. */
    List<String> names(Login l) {
        List<String> names = new ArrayList<>();
        api.tokens(auth(l.userId(), l.token())).forEach(t -> names.add(t.get("name").asText()));
        return names;
    }

    /** A refused request changed nothing: no token generated, the target still works. */
    void assertUnchanged(Endpoint endpoint, Login l, String target) {
        assertEquals(endpoint != Endpoint.GENERATE, names(l).contains(TARGET), names(l).toString());
        if (target != null) {
            assertTrue(api.authenticates(l.userId(), target), "the target still authenticates");
        }
    }

    /** The whole 200 body, and the endpoint's effect: the new token works, the old one no longer does. */
    void assertDone(Endpoint endpoint, Login l, String target, Api.Response r) {
        switch (endpoint) {
            case GENERATE -> {
                assertToken(r);
                assertTrue(api.authenticates(l.userId(), r.token()), "the generated token authenticates");
                assertTrue(names(l).contains(TARGET));
            }
            case REGENERATE -> {
                assertToken(r);
                assertNotEquals(target, r.token());
                assertTrue(api.authenticates(l.userId(), r.token()), "the regenerated token authenticates");
                assertFalse(api.authenticates(l.userId(), target), "the old secret → 401");
                assertTrue(names(l).contains(TARGET));
            }
            case REMOVE -> {
                assertStatusAndBody(200, "{\"success\":true}", r);
                assertFalse(api.authenticates(l.userId(), target), "the removed token → 401");
                assertFalse(names(l).contains(TARGET));
            }
        }
    }

    Map<String, AttributeValue> stored(Login l) {
        return stack.admin().rawItem(l.userId());
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void totpUserIsChallengedAndPassesWithTheRightCodeOnce(Endpoint endpoint) {
        Login l = totpUser();
        String target = existingTarget(endpoint, l);

        assertAnswer(400, challenge("totp-required", TwoFactorClient.TOTP_ONLY), call(endpoint, headers(l, l.token(), null)));
        String code = totpCode(l);
        String wrong = LogCapture.secret(String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000));
        assertAnswer(400, challenge("totp-invalid", TwoFactorClient.TOTP_ONLY), call(endpoint, headers(l, l.token(), wrong)));
        assertUnchanged(endpoint, l, target);

        Api.Response ok = call(endpoint, headers(l, l.token(), code));
        assertEquals(String.valueOf(Math.floorDiv(clock.millis(), 30_000L)),
                stored(l).get("totp").m().get("lastUsedStep").n(), "the step is spent with the endpoint's write");
        assertEquals("0", stored(l).get("totp").m().get("failedAttempts").n(), "a success resets the count");
        assertDone(endpoint, l, target, ok);

        assertAnswer(400, challenge("totp-invalid", TwoFactorClient.TOTP_ONLY), call(endpoint, headers(l, l.token(), code)));
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void emailUserGetsAMailAndPassesWithTheCodeItShows(Endpoint endpoint) {
        String id = UserAdmin.newUserId().toLowerCase();
        String username = "mail-" + id;
        String address = "only-" + id + "@rcpat.test";
        Login l = stack.login(UserAdmin.NewUser.named(username).email(address, true).withEmail2fa());
        String target = existingTarget(endpoint, l);

        assertAnswer(400, challenge("totp-required", "{\"method\":\"email\",\"codeGenerated\":true,\"emailOrUsername\":\""
                + username + "\",\"availableMethods\":[\"email\"]}"), call(endpoint, headers(l, l.token(), null)));
        List<SesMailbox.Mail> mails = mailbox.to(address);
        assertEquals(1, mails.size());
        assertEquals("Authentication code", mails.get(0).subject());
        assertEquals(List.of(address), mails.get(0).to());
        String shown = TwoFactorClient.shownCode(mails.get(0));
        assertUnchanged(endpoint, l, target);

        Api.Response ok = call(endpoint, headers(l, l.token(), shown));
        assertNull(stored(l).get("emailCode"), "the code is spent with the endpoint's write");
        assertDone(endpoint, l, target, ok);
        List<String> subjects = mailbox.to(address).stream().map(SesMailbox.Mail::subject).toList();
        assertEquals(List.of(SesCodeMailer.SUBJECT, TokenNoticeMail.subject(switch (endpoint) {
            case GENERATE -> TokenChange.CREATED;
            case REGENERATE -> TokenChange.REGENERATED;
            case REMOVE -> TokenChange.REMOVED;
        })), subjects, "no second code; the notice of the change");
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void passwordUserPassesWithTheHexDigestOfThePassword(Endpoint endpoint) {
        String password = LogCapture.secret("Tr0ub4dor&" + UserAdmin.newUserId());
        String digest = LogCapture.secret(Secrets.sha256Hex(password));
        Login l = stack.login(UserAdmin.NewUser.named("pw-" + UserAdmin.newUserId()).password(password));
        String target = existingTarget(endpoint, l);

        assertAnswer(400, challenge("totp-required", PASSWORD), call(endpoint, headers(l, l.token(), null)));
        assertAnswer(400, challenge("totp-invalid", PASSWORD), call(endpoint, headers(l, l.token(), password)));
        assertUnchanged(endpoint, l, target);

        assertDone(endpoint, l, target, call(endpoint, headers(l, l.token(), digest)));
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void aBypassTokenPassesWithoutAChallengeAndAnOrdinaryPatIsChallenged(Endpoint endpoint) {
        Login l = totpUser();
        Api.Response bypass = api.generate(headers(l, l.token(), totpCode(l)), "{\"tokenName\":\"ci\",\"bypassTwoFactor\":true}");
        assertToken(bypass);
        nextStep();
        Api.Response plain = api.generate(headers(l, l.token(), totpCode(l)), body("plain"));
        assertToken(plain);
        String target = existingTarget(endpoint, l);

        assertAnswer(400, challenge("totp-required", TwoFactorClient.TOTP_ONLY), call(endpoint, headers(l, plain.token(), null)));
        assertUnchanged(endpoint, l, target);

        assertDone(endpoint, l, target, call(endpoint, headers(l, bypass.token(), null)));
    }

    @Test
    void listIsNotChallenged() {
        Login l = totpUser();
        long createdAt = clock.millis();
        String ci = api.seedToken(l.userId(), "ci", false, createdAt);
        String expected = "{\"tokens\":[" + entry("ci", createdAt, ci, false) + "],\"success\":true}";
        assertStatusAndBody(200, expected, api.list(auth(l.userId(), l.token())));
        assertStatusAndBody(200, expected, api.list(auth(l.userId(), ci)));
        JsonNode line = TwoFactorClient.lastRequestLine(l.userId());
        assertEquals("users.getPersonalAccessTokens", line.get("route").asText());
        assertEquals(200, line.get("status").asInt());
    }

    /** Default settings (RememberFor 1800 s): the caller's own token carries a remember mark when it passes. */
    final TokenEndpoints remembering = new TokenEndpoints(stack.services(Map.of(), clock));

    @Test
    void regeneratingTheTokenYouAuthenticateWithReturnsTheNewOne() {
        Login l = totpUser();
        String self = remembering.seedToken(l.userId(), "self", false, clock.millis());

        Api.Response r = remembering.regenerate(headers(l, self, totpCode(l)), body("self"));
        assertToken(r);
        JsonNode line = TwoFactorClient.lastRequestLine(l.userId());
        assertEquals(2, line.get("dynamodbCalls").asInt(), "one read, one write: the step spent with the replacement");
        String renewed = r.token();
        assertNotEquals(self, renewed);
        assertEquals(String.valueOf(Math.floorDiv(clock.millis(), 30_000L)), stored(l).get("totp").m().get("lastUsedStep").n());
        Map<String, AttributeValue> record = stored(l).get("personalAccessTokens").m().get("self").m();
        assertEquals(Secrets.hashToken(renewed), record.get("hashedToken").s());
        assertFalse(record.containsKey("twoFactorAuthorizedUntil"), "the pass's remember mark was for the replaced secret");
        assertFalse(record.containsKey("lastUsedAt"));

        assertStatusAndBody(401, UNAUTHORIZED, remembering.list(auth(l.userId(), self)));
        assertStatusAndBody(200, "{\"tokens\":[" + entry("self", clock.millis(), renewed, false) + "],\"success\":true}",
                remembering.list(auth(l.userId(), renewed)));
        // The new secret has passed no second factor yet: challenged, even from the same client.
        assertAnswer(400, challenge("totp-required", TwoFactorClient.TOTP_ONLY), remembering.generate(headers(l, renewed, null), body("other")));

        // Passing with it marks it; a remembered caller then regenerates itself without a code.
        nextStep();
        assertToken(remembering.generate(headers(l, renewed, totpCode(l)), body("other")));
        assertTrue(stored(l).get("personalAccessTokens").m().get("self").m().containsKey("twoFactorAuthorizedUntil"));
        Api.Response again = remembering.regenerate(headers(l, renewed, null), body("self"));
        assertToken(again);
        assertStatusAndBody(401, UNAUTHORIZED, remembering.list(auth(l.userId(), renewed)));
        assertAnswer(400, challenge("totp-required", TwoFactorClient.TOTP_ONLY), remembering.remove(headers(l, again.token(), null), body("other")));
    }

    @Test
    void removingTheTokenYouAuthenticateWith() {
        Login l = totpUser();
        String self = remembering.seedToken(l.userId(), "self", false, clock.millis());

        assertStatusAndBody(200, "{\"success\":true}", remembering.remove(headers(l, self, totpCode(l)), body("self")));
        assertEquals(2, TwoFactorClient.lastRequestLine(l.userId()).get("dynamodbCalls").asInt());
        assertEquals(String.valueOf(Math.floorDiv(clock.millis(), 30_000L)), stored(l).get("totp").m().get("lastUsedStep").n());
        assertStatusAndBody(401, UNAUTHORIZED, remembering.remove(headers(l, self, null), body("self")));
        assertEquals(json("[]"), remembering.tokens(auth(l.userId(), l.token())));
    }
}
