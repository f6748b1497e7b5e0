package dev.rcpat.twofactor;

import dev.rcpat.testing.AuthenticatorApp;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.auth.Secrets;
import dev.rcpat.config.Settings;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.MutableClock;
import dev.rcpat.testing.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The round-trip budget of a successful generate (issues 2, 3 and 6), as deployed (rate limiter
 * on): exactly one DynamoDB read, one rate-limit count (run beside the read) and one write whatever
 * the second factor — TOTP, password, none, or a bypass token — and one SES call more per mail: the
 * email code, and the token notice to each verified address (users here have none unless they use
 * email codes). Counted by the SDK interceptor, per request.
 */
@ExtendWith(LogSecretScan.class)
class RoundTripsIT {

    final TestStack stack = TestStack.get();
    final MutableClock clock = MutableClock.midStep();
    /** Each test from an address of its own, so that its requests are never over the limit. */
    final TwoFactorClient rig = new TwoFactorClient(stack.services(TestStack.RATE_LIMITER_ON, clock)).from(Api.uniqueSourceIp());
    /** The read, the rate-limit count and the write. */
    static final int CALLS = 3;

    void assertCalls(Login user, int dynamoDb, int ses) {
        JsonNode line = TwoFactorClient.lastRequestLine(user.userId());
        assertEquals(dynamoDb, line.get("dynamodbCalls").asInt(), line.toString());
        assertEquals(ses, line.get("sesCalls").asInt(), line.toString());
    }

    @Test
    void totpUser() {
        Login user = stack.login(UserAdmin.NewUser.named("rt-totp-" + UserAdmin.newUserId()).withTotp());
        String code = LogCapture.secret(AuthenticatorApp.code(user.totpSecret(), clock.millis()));
        TwoFactorClient.assertToken(rig.generate(user.userId(), user.token(), "totp", code, "{\"tokenName\":\"a\"}", Map.of()));
        assertCalls(user, CALLS, 0);
    }

    @Test
    void passwordUser() {
        Login user = stack.login(UserAdmin.NewUser.named("rt-pw-" + UserAdmin.newUserId()).password(LogCapture.secret("rt password")));
        String digest = LogCapture.secret(Secrets.sha256Hex("rt password"));
        TwoFactorClient.assertToken(rig.generate(user.userId(), user.token(), "password", digest, "{\"tokenName\":\"a\"}", Map.of()));
        assertCalls(user, CALLS, 0);
    }

    @Test
    void userWithoutAnyMethod() {
        Login user = stack.login(UserAdmin.NewUser.named("rt-none-" + UserAdmin.newUserId()));
        TwoFactorClient.assertToken(rig.generate(user.userId(), user.token(), null, "{\"tokenName\":\"a\"}"));
        assertCalls(user, CALLS, 0);
    }

    @Test
    void bypassTokenOfAPasswordUser() {
        Login user = stack.login(UserAdmin.NewUser.named("rt-bypass-" + UserAdmin.newUserId()).password(LogCapture.secret("rt password")));
        String digest = LogCapture.secret(Secrets.sha256Hex("rt password"));
        Api.Response first = rig.generate(user.userId(), user.token(), "password", digest,
                "{\"tokenName\":\"bypass\",\"bypassTwoFactor\":true}", Map.of());
        TwoFactorClient.assertToken(first);
        // The bypass token's first use also records lastUsedAt: in the same write, not a call more.
        TwoFactorClient.assertToken(rig.generate(user.userId(), first.token(), null, "{\"tokenName\":\"b\"}"));
        assertCalls(user, CALLS, 0);
    }

    @Test
    void aUserTheRateLimiterExemptsHasItsCountTakenBackThenIsNotCounted() {
        Login bot = stack.login(UserAdmin.NewUser.named("rt-bot-" + UserAdmin.newUserId()).roles("user", "bot"));
        TwoFactorClient.assertToken(rig.generate(bot.userId(), bot.token(), null, "{\"tokenName\":\"a\"}"));
        assertCalls(bot, CALLS + 1, 0);
        TwoFactorClient.assertToken(rig.generate(bot.userId(), bot.token(), null, "{\"tokenName\":\"b\"}"));
        assertCalls(bot, CALLS - 1, 0);
    }

    @Test
    void emailUserWhenTheCodeIsSent() {
        String address = "rt-" + UserAdmin.newUserId().toLowerCase() + "@example.com";
        Login user = stack.login(UserAdmin.NewUser.named("rt-mail-" + UserAdmin.newUserId()).email(address, true).withEmail2fa());
        Api.Response challenged = rig.generate(user.userId(), user.token(), null, "{\"tokenName\":\"a\"}");
        assertEquals("totp-required", challenged.body().path("errorType").asText(), challenged.raw());
        assertCalls(user, CALLS, 1);
        String code = TwoFactorClient.shownCode(stack.mailbox().to(address).get(0));
        TwoFactorClient.assertToken(rig.generate(user.userId(), user.token(), "email", code, "{\"tokenName\":\"a\"}", Map.of()));
        assertCalls(user, CALLS, 1); // the token notice
    }

    @Test
    void userWithAVerifiedAddressIsSentTheNoticeUnlessNotificationsAreOff() {
        String address = "rt-" + UserAdmin.newUserId().toLowerCase() + "@example.com";
        Login user = stack.login(UserAdmin.NewUser.named("rt-notice-" + UserAdmin.newUserId()).email(address, true));
        TwoFactorClient.assertToken(rig.generate(user.userId(), user.token(), null, "{\"tokenName\":\"a\"}"));
        assertCalls(user, CALLS, 1);
        TwoFactorClient quiet = new TwoFactorClient(stack.services(quietSettings(), clock))
                .from(Api.uniqueSourceIp());
        TwoFactorClient.assertToken(quiet.generate(user.userId(), user.token(), null, "{\"tokenName\":\"b\"}"));
        assertCalls(user, CALLS, 0);
        assertEquals(1, stack.mailbox().to(address).size(), "no mail with notifications off");
    }

    static Map<String, String> quietSettings() {
        Map<String, String> settings = new java.util.HashMap<>(TestStack.RATE_LIMITER_ON);
        settings.put(Settings.TOKEN_NOTIFICATIONS_ENABLED, "false");
        return settings;
    }
}
