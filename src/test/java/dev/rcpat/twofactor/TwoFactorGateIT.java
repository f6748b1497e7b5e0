package dev.rcpat.twofactor;

import dev.rcpat.auth.Secrets;
import dev.rcpat.config.Settings;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.AuthenticatorApp;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.MutableClock;
import dev.rcpat.testing.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import static dev.rcpat.twofactor.TwoFactorClient.assertAnswer;
import static dev.rcpat.twofactor.TwoFactorClient.assertToken;
import static dev.rcpat.twofactor.TwoFactorClient.challenge;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The parts of the check around the methods: password fallback, bypass tokens, remember, order, switches. */
@ExtendWith(LogSecretScan.class)
class TwoFactorGateIT {

    static final TestStack stack = TestStack.get();
    static final String PASSWORD = "{\"method\":\"password\",\"codeGenerated\":false,\"availableMethods\":[]}";
    static final String UA = "rcpat-tests/1.0";
    static final String HOME = "198.51.100.7";

    final MutableClock clock = MutableClock.midStep();
    final TwoFactorClient noRemember = new TwoFactorClient(stack.services(Map.of(Settings.REMEMBER_FOR_SECONDS, "0"), clock));
    /** Default settings: RememberFor 1800 s. */
    final TwoFactorClient defaults = new TwoFactorClient(stack.services(Map.of(), clock));

    String totpCode(Login l) {
        return LogCapture.secret(AuthenticatorApp.code(l.totpSecret(), clock.millis()));
    }

    static Api.Response generate(TwoFactorClient rig, Login l, String token, String code, String body, Map<String, String> client) {
        return rig.generate(l.userId(), token, null, code, body, client);
    }

    static final Map<String, String> AGENT = Map.of("User-Agent", UA);

    @Test
    void passwordFallbackTakesTheHexDigestInEitherCase() {
        String password = LogCapture.secret("Tr0ub4dor&" + UserAdmin.newUserId());
        String digest = LogCapture.secret(Secrets.sha256Hex(password));
        LogCapture.secret(digest.toUpperCase(Locale.ROOT));
        // Email 2FA without a verified address is not a method: the fallback applies.
        Login l = stack.login(UserAdmin.NewUser.named("pw-" + UserAdmin.newUserId()).password(password)
                .email("pw-" + UserAdmin.newUserId().toLowerCase() + "@rcpat.test", false).withEmail2fa());
        String t = l.token();
        assertAnswer(400, challenge("totp-required", PASSWORD), generate(noRemember, l, t, null, "{\"tokenName\":\"a\"}", Map.of()));
        assertToken(generate(noRemember, l, t, digest.toUpperCase(Locale.ROOT), "{\"tokenName\":\"a\"}", Map.of()));
        assertToken(generate(noRemember, l, t, digest, "{\"tokenName\":\"b\"}", Map.of()));
        assertAnswer(400, challenge("totp-invalid", PASSWORD),
                generate(noRemember, l, t, Secrets.sha256Hex(password + "x"), "{\"tokenName\":\"c\"}", Map.of()));
        assertAnswer(400, challenge("totp-invalid", PASSWORD), generate(noRemember, l, t, password, "{\"tokenName\":\"c\"}", Map.of()));
        // x-2fa-method: password is not a method of its own, but names what the rules chose anyway.
        assertToken(noRemember.generate(l.userId(), t, "password", digest, "{\"tokenName\":\"d\"}", Map.of()));
    }

    @Test
    void withoutAPasswordOrMethodThereIsNoSecondFactor() {
        Login l = stack.login(UserAdmin.NewUser.named("sso-" + UserAdmin.newUserId()));
        assertToken(generate(noRemember, l, l.token(), null, "{\"tokenName\":\"a\"}", Map.of()));
        Login off = stack.login(UserAdmin.NewUser.named("nofb-" + UserAdmin.newUserId()).password(LogCapture.secret("pw-" + UserAdmin.newUserId())));
        TwoFactorClient noFallback = new TwoFactorClient(stack.services(Map.of(Settings.PASSWORD_FALLBACK_ENABLED, "false"), clock));
        assertToken(generate(noFallback, off, off.token(), null, "{\"tokenName\":\"a\"}", Map.of()));
    }

    @Test
    void twoFactorSwitchedOffPassesEveryone() {
        Login l = stack.login(UserAdmin.NewUser.named("off-" + UserAdmin.newUserId()).withTotp());
        TwoFactorClient off = new TwoFactorClient(stack.services(Map.of(Settings.TWO_FACTOR_ENABLED, "false"), clock));
        assertToken(generate(off, l, l.token(), null, "{\"tokenName\":\"a\"}", Map.of()));
        TwoFactorClient totpOff = new TwoFactorClient(stack.services(Map.of(Settings.TOTP_ENABLED, "false", Settings.REMEMBER_FOR_SECONDS, "0"), clock));
        assertToken(generate(totpOff, l, l.token(), null, "{\"tokenName\":\"b\"}", Map.of()));
    }

    @Test
    void aBypassTokenIsNotChallengedAndTheTokensItMakesAre() {
        Login l = stack.login(UserAdmin.NewUser.named("bp-" + UserAdmin.newUserId()).withTotp());
        Api.Response bypass = generate(noRemember, l, l.token(), totpCode(l), "{\"tokenName\":\"ci\",\"bypassTwoFactor\":true}", Map.of());
        assertToken(bypass);
        Api.Response plain = generate(noRemember, l, bypass.token(), null, "{\"tokenName\":\"plain\"}", Map.of());
        assertToken(plain);
        assertAnswer(400, challenge("totp-required", TwoFactorClient.TOTP_ONLY),
                generate(noRemember, l, plain.token(), null, "{\"tokenName\":\"other\"}", Map.of()));
    }

    @Test
    void rememberedFromTheSameClientWithinRememberFor() {
        Login l = stack.login(UserAdmin.NewUser.named("rm-" + UserAdmin.newUserId()).withTotp());
        long passedAt = clock.millis();
        assertToken(generate(defaults.from(HOME), l, l.token(), totpCode(l), "{\"tokenName\":\"a\"}", AGENT));
        Map<String, AttributeValue> record = stack.admin().rawItem(l.userId()).get("loginTokens").m()
                .get(Secrets.hashToken(l.token())).m();
        assertEquals(String.valueOf(passedAt + 1_800_000), record.get("twoFactorAuthorizedUntil").n());
        assertEquals(44, record.get("twoFactorAuthorizedHash").s().length());

        clock.advance(Duration.ofSeconds(1799));
        assertToken(generate(defaults.from(HOME), l, l.token(), null, "{\"tokenName\":\"b\"}", AGENT));
        assertAnswer(400, challenge("totp-required", TwoFactorClient.TOTP_ONLY),
                generate(defaults.from("198.51.100.8"), l, l.token(), null, "{\"tokenName\":\"c\"}", AGENT));
        assertAnswer(400, challenge("totp-required", TwoFactorClient.TOTP_ONLY), generate(defaults.from(HOME), l, l.token(), null,
                "{\"tokenName\":\"c\"}", Map.of("User-Agent", "other-agent/2.0")));
        clock.advance(Duration.ofSeconds(1));
        assertAnswer(400, challenge("totp-required", TwoFactorClient.TOTP_ONLY),
                generate(defaults.from(HOME), l, l.token(), null, "{\"tokenName\":\"c\"}", AGENT));
    }

    @Test
    void rememberForZeroRemembersNothing() {
        Login l = stack.login(UserAdmin.NewUser.named("rm0-" + UserAdmin.newUserId()).withTotp());
        assertToken(generate(noRemember.from(HOME), l, l.token(), totpCode(l), "{\"tokenName\":\"a\"}", AGENT));
        Map<String, AttributeValue> record = stack.admin().rawItem(l.userId()).get("loginTokens").m()
                .get(Secrets.hashToken(l.token())).m();
        assertFalse(record.containsKey("twoFactorAuthorizedUntil"));
        assertAnswer(400, challenge("totp-required", TwoFactorClient.TOTP_ONLY),
                generate(noRemember.from(HOME), l, l.token(), null, "{\"tokenName\":\"b\"}", AGENT));
    }

    @Test
    void twoFactorHeaderNamesAreCaseInsensitiveAndAnEmptyValueIsAbsent() {
        Login l = stack.login(UserAdmin.NewUser.named("hdr-" + UserAdmin.newUserId()).withTotp());
        String t = l.token();
        assertAnswer(400, challenge("totp-required", TwoFactorClient.TOTP_ONLY), noRemember.generate(l.userId(), t, null, null,
                "{\"tokenName\":\"a\"}", Map.of("X-2FA-Code", "", "X-2FA-Method", "")));
        assertAnswer(400, challenge("totp-required", TwoFactorClient.TOTP_ONLY),
                noRemember.generate(l.userId(), t, "", "", "{\"tokenName\":\"a\"}", Map.of()));
        assertEquals("0", stack.admin().rawItem(l.userId()).get("totp").m().get("failedAttempts").n(),
                "an empty code is no code, not a wrong one");
        // An empty method header leaves the choice to the rules (TOTP here).
        assertToken(noRemember.generate(l.userId(), t, null, null, "{\"tokenName\":\"a\"}",
                Map.of("X-2FA-METHOD", "", "X-2fa-Code", totpCode(l))));
        clock.advance(Duration.ofSeconds(30));
        assertToken(noRemember.generate(l.userId(), t, null, null, "{\"tokenName\":\"b\"}",
                Map.of("X-2FA-Method", "totp", "X-2FA-Code", totpCode(l))));
    }

    @Test
    void twoFactorRunsBeforeValidation() {
        Login l = stack.login(UserAdmin.NewUser.named("order-" + UserAdmin.newUserId()).withTotp());
        assertAnswer(400, challenge("totp-required", TwoFactorClient.TOTP_ONLY), generate(noRemember, l, l.token(), null, "{}", Map.of()));
        assertAnswer(400, challenge("totp-required", TwoFactorClient.TOTP_ONLY),
                generate(noRemember, l, l.token(), null, "{\"tokenName\":42}", Map.of()));
        // A body that is not JSON is refused before anything is challenged.
        assertAnswer(400, "{\"success\":false,\"error\":\"The request body is not valid JSON [invalid-params]\",\"errorType\":\"invalid-params\"}",
                generate(noRemember, l, l.token(), null, "{", Map.of()));
    }
}
