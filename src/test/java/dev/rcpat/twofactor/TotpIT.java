package dev.rcpat.twofactor;

import dev.rcpat.testing.AuthenticatorApp;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.config.Settings;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.MutableClock;
import dev.rcpat.testing.TestStack;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.Map;

import static dev.rcpat.twofactor.TwoFactorClient.assertAnswer;
import static dev.rcpat.twofactor.TwoFactorClient.assertToken;
import static dev.rcpat.twofactor.TwoFactorClient.challenge;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * TOTP and backup codes through the real handler and dynalite. The service and the test's
 * authenticator share a clock the test moves, so steps and the lock time are exact.
 */
@ExtendWith(LogSecretScan.class)
class TotpIT {

    static final TestStack stack = TestStack.get();

    final MutableClock clock = MutableClock.midStep();
    final TwoFactorClient rig = new TwoFactorClient(stack.services(Map.of(Settings.REMEMBER_FOR_SECONDS, "0"), clock));

    UserAdmin.Created user;
    String login;

    @BeforeEach
    void totpUser() {
        Login created = stack.login(UserAdmin.NewUser.named("totp-" + UserAdmin.newUserId())
                .password(LogCapture.secret("pw-" + UserAdmin.newUserId())).withTotp());
        user = created.user();
        login = created.token();
    }

    String codeForStepOffset(int offset) {
        return LogCapture.secret(AuthenticatorApp.codeForStep(user.totpSecret(), Math.floorDiv(clock.millis(), 30_000L) + offset));
    }

    Api.Response generate(String code, String tokenName) {
        return rig.generate(user.userId(), login, code, "{\"tokenName\":\"" + tokenName + "\"}");
    }

    Map<String, AttributeValue> storedTotp() {
        return stack.admin().rawItem(user.userId()).get("totp").m();
    }

    @Test
    void noCodeIsTotpRequired() {
        assertAnswer(400, challenge("totp-required", TwoFactorClient.TOTP_ONLY), generate(null, "t"));
        Login both = stack.login(UserAdmin.NewUser.named("both-" + UserAdmin.newUserId())
                .email("both-" + UserAdmin.newUserId().toLowerCase() + "@rcpat.test", true).withTotp().withEmail2fa());
        assertAnswer(400, challenge("totp-required",
                        "{\"method\":\"totp\",\"codeGenerated\":false,\"availableMethods\":[\"totp\",\"email\"]}"),
                rig.generate(both.userId(), both.token(), null, "{\"tokenName\":\"t\"}"));
    }

    @Test
    void theRightCodeWorksOnceAndIsSpentWithTheNewToken() {
        String code = codeForStepOffset(0);
        Api.Response ok = generate(code, "t");
        assertToken(ok);
        JsonNode line = TwoFactorClient.lastRequestLine(user.userId());
        assertEquals(2, line.get("dynamodbCalls").asInt(), "one read, one write with the spent step");
        assertEquals(String.valueOf(Math.floorDiv(clock.millis(), 30_000L)), storedTotp().get("lastUsedStep").n());

        assertAnswer(400, challenge("totp-invalid", TwoFactorClient.TOTP_ONLY), generate(code, "t2"));
        clock.advance(Duration.ofSeconds(10)); // same step, later in it
        assertAnswer(400, challenge("totp-invalid", TwoFactorClient.TOTP_ONLY), generate(code, "t3"));
        assertEquals("0", storedTotp().get("failedAttempts").n(), "a replay is refused, not counted as a guess");
        assertEquals(java.util.Set.of("t"), stack.admin().rawItem(user.userId()).get("personalAccessTokens").m().keySet());
    }

    @Test
    void aCodeFromThePreviousStepIsInTheWindowOnce() {
        String previous = codeForStepOffset(-1);
        assertToken(generate(previous, "t"));
        assertAnswer(400, challenge("totp-invalid", TwoFactorClient.TOTP_ONLY), generate(previous, "t2"));
        assertToken(generate(codeForStepOffset(0), "t3"));
    }

    @Test
    void aCodeTwoStepsAwayIsInvalid() {
        assertAnswer(400, challenge("totp-invalid", TwoFactorClient.TOTP_ONLY), generate(codeForStepOffset(-2), "t"));
        assertAnswer(400, challenge("totp-invalid", TwoFactorClient.TOTP_ONLY), generate(codeForStepOffset(2), "t"));
        assertAnswer(400, challenge("totp-invalid", TwoFactorClient.TOTP_ONLY), generate("12345", "t"));
        assertEquals("3", storedTotp().get("failedAttempts").n());
        assertToken(generate(codeForStepOffset(1), "t"));
        assertEquals("0", storedTotp().get("failedAttempts").n(), "a success resets the count");
    }

    @Test
    void anOlderStepIsRefusedAfterANewerOneWasUsed() {
        assertToken(generate(codeForStepOffset(0), "t"));
        assertAnswer(400, challenge("totp-invalid", TwoFactorClient.TOTP_ONLY), generate(codeForStepOffset(-1), "t2"));
    }

    @Test
    void aBackupCodeWorksOnce() {
        String backup = user.backupCodes().get(5);
        assertToken(generate(backup, "t"));
        var hashes = storedTotp().get("hashedBackup").l();
        assertEquals(11, hashes.size());
        assertFalse(hashes.contains(AttributeValue.fromS(dev.rcpat.auth.Secrets.sha256Hex(backup))));
        assertAnswer(400, challenge("totp-invalid", TwoFactorClient.TOTP_ONLY), generate(backup, "t2"));
        assertToken(generate(user.backupCodes().get(0), "t3"));
        assertToken(generate(user.backupCodes().get(11), "t4"));
        assertEquals(9, storedTotp().get("hashedBackup").l().size());
    }

    @Test
    void fiveWrongCodesLockTotpEvenForTheRightCodeUntilTheLockEnds() {
        String wrong = LogCapture.secret(String.format("%06d", (Integer.parseInt(codeForStepOffset(0)) + 1) % 1_000_000));
        for (int i = 1; i <= 4; i++) {
            assertAnswer(400, challenge("totp-invalid", TwoFactorClient.TOTP_ONLY), generate(wrong, "t"));
        }
        assertAnswer(400, challenge("totp-max-attempts", TwoFactorClient.TOTP_ONLY), generate(wrong, "t"));
        assertEquals(String.valueOf(clock.millis() + 300_000), storedTotp().get("lockedUntil").n());

        assertAnswer(400, challenge("totp-max-attempts", TwoFactorClient.TOTP_ONLY), generate(codeForStepOffset(0), "t"));
        assertAnswer(400, challenge("totp-max-attempts", TwoFactorClient.TOTP_ONLY), generate(user.backupCodes().get(0), "t"));
        assertAnswer(400, challenge("totp-required", TwoFactorClient.TOTP_ONLY), generate(null, "t"));
        clock.advance(Duration.ofSeconds(299));
        assertAnswer(400, challenge("totp-max-attempts", TwoFactorClient.TOTP_ONLY), generate(codeForStepOffset(0), "t"));
        assertEquals(12, storedTotp().get("hashedBackup").l().size(), "nothing was spent while locked");

        clock.advance(Duration.ofSeconds(1));
        assertToken(generate(codeForStepOffset(0), "t"));
    }

    @Test
    void theLockCountsConsecutiveFailuresOnly() {
        String wrong = LogCapture.secret(String.format("%06d", (Integer.parseInt(codeForStepOffset(0)) + 1) % 1_000_000));
        for (int i = 0; i < 4; i++) {
            assertEquals("totp-invalid", generate(wrong, "t").body().get("errorType").asText());
        }
        assertToken(generate(codeForStepOffset(0), "t"));
        for (int i = 0; i < 4; i++) {
            assertEquals("totp-invalid", generate(wrong, "t2").body().get("errorType").asText());
        }
        clock.advance(Duration.ofSeconds(30));
        assertToken(generate(codeForStepOffset(0), "t2"));
    }

    @Test
    void theHeaderMethodEmailIsRefusedForAUserWithoutEmail2fa() {
        String details = "{\"method\":\"email\",\"codeGenerated\":false,\"emailOrUsername\":\"" + user.username()
                + "\",\"availableMethods\":[\"totp\"]}";
        assertAnswer(400, challenge("totp-invalid", details),
                rig.generate(user.userId(), login, "email", codeForStepOffset(0), "{\"tokenName\":\"t\"}", Map.of()));
        assertAnswer(400, challenge("totp-required", details),
                rig.generate(user.userId(), login, "email", null, "{\"tokenName\":\"t\"}", Map.of()));
        assertToken(rig.generate(user.userId(), login, "totp", codeForStepOffset(0), "{\"tokenName\":\"t\"}", Map.of()));
    }

    @Test
    void aStepIsSpentOnlyWhenTheRequestSucceeds() {
        String code = codeForStepOffset(0);
        // 2FA runs before validation, and a refused request spends nothing.
        assertAnswer(400, "{\"success\":false,\"error\":\"The 'tokenName' param is required\"}",
                rig.generate(user.userId(), login, code, "{}"));
        assertFalse(storedTotp().containsKey("lastUsedStep"));
        assertToken(generate(code, "t"));
    }

    @Test
    void concurrentRequestsWithTheSameCodeMakeOneToken() throws Exception {
        String code = codeForStepOffset(0);
        int ok = 0;
        int invalid = 0;
        for (Api.Response r : Api.concurrently(10, i -> generate(code, "race-" + i))) {
            if (r.status() == 200) {
                ok++;
            } else if (r.body().equals(Api.json(challenge("totp-invalid", TwoFactorClient.TOTP_ONLY)))) {
                invalid++;
            } else {
                throw new AssertionError("unexpected answer: " + r.raw());
            }
        }
        assertEquals(1, ok);
        assertEquals(9, invalid);
        assertEquals("0", storedTotp().get("failedAttempts").n(), "replays of a spent code are not guesses");
        assertEquals(1, stack.admin().rawItem(user.userId()).get("personalAccessTokens").m().size());
    }
}
