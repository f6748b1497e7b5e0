package dev.rcpat.twofactor;

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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.rcpat.twofactor.TwoFactorClient.assertAnswer;
import static dev.rcpat.twofactor.TwoFactorClient.assertToken;
import static dev.rcpat.twofactor.TwoFactorClient.challenge;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The password fallback's attempt limit (ours; Rocket.Chat has none): wrong digests are counted,
 * the fifth locks the method for 300 s even against the right digest, a success resets the count.
 */
@ExtendWith(LogSecretScan.class)
class PasswordFallbackIT {

    static final TestStack stack = TestStack.get();
    static final String PASSWORD = "{\"method\":\"password\",\"codeGenerated\":false,\"availableMethods\":[]}";

    final MutableClock clock = MutableClock.startingNow();
    final TwoFactorClient rig = new TwoFactorClient(stack.services(Map.of(Settings.REMEMBER_FOR_SECONDS, "0"), clock));
    final String password = LogCapture.secret("correct horse " + UserAdmin.newUserId());
    final String digest = LogCapture.secret(Secrets.sha256Hex(password));
    final String wrong = LogCapture.secret(Secrets.sha256Hex(password + "?"));
    final Login user = stack.login(UserAdmin.NewUser.named("pwlimit-" + UserAdmin.newUserId()).password(password));

    Api.Response generate(String code, String tokenName) {
        return rig.generate(user.userId(), user.token(), "password", code, "{\"tokenName\":\"" + tokenName + "\"}", Map.of());
    }

    Map<String, AttributeValue> item() {
        return stack.admin().rawItem(user.userId());
    }

    @Test
    void afterTheLimitEvenTheRightDigestGetsMaxAttemptsUntilTheLockEnds() {
        for (int i = 1; i <= 4; i++) {
            assertAnswer(400, challenge("totp-invalid", PASSWORD), generate(wrong, "t"));
            assertEquals(String.valueOf(i), item().get("passwordFailedAttempts").n());
        }
        assertAnswer(400, challenge("totp-max-attempts", PASSWORD), generate(wrong, "t"));
        assertEquals(String.valueOf(clock.millis() + 300_000), item().get("passwordLockedUntil").n());
        assertEquals("0", item().get("passwordFailedAttempts").n(), "the lock starts the count afresh");

        assertAnswer(400, challenge("totp-max-attempts", PASSWORD), generate(digest, "t"));
        assertAnswer(400, challenge("totp-max-attempts", PASSWORD), generate(wrong, "t"));
        assertAnswer(400, challenge("totp-required", PASSWORD), generate(null, "t"));
        clock.advance(Duration.ofSeconds(299));
        assertAnswer(400, challenge("totp-max-attempts", PASSWORD), generate(digest, "t"));
        assertEquals(Map.of(), item().get("personalAccessTokens").m(), "nothing made while locked");

        clock.advance(Duration.ofSeconds(1));
        assertToken(generate(digest, "t"));
        assertFalse(item().containsKey("passwordFailedAttempts"));
        assertFalse(item().containsKey("passwordLockedUntil"), "a success clears the ended lock too");
    }

    @Test
    void aSuccessResetsTheCountSoOnlyConsecutiveFailuresLock() {
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 4; i++) {
                assertAnswer(400, challenge("totp-invalid", PASSWORD), generate(wrong, "t" + round));
            }
            assertToken(generate(digest, "t" + round));
            assertFalse(item().containsKey("passwordFailedAttempts"));
        }
    }

    @Test
    void theSettingsChangeTheLimitAndTheLock() {
        TwoFactorClient strict = new TwoFactorClient(stack.services(Map.of(Settings.REMEMBER_FOR_SECONDS, "0",
                Settings.PASSWORD_FALLBACK_MAX_ATTEMPTS, "2", Settings.PASSWORD_FALLBACK_LOCK_SECONDS, "10"), clock));
        String body = "{\"tokenName\":\"t\"}";
        assertAnswer(400, challenge("totp-invalid", PASSWORD), strict.generate(user.userId(), user.token(), wrong, body));
        assertAnswer(400, challenge("totp-max-attempts", PASSWORD), strict.generate(user.userId(), user.token(), wrong, body));
        assertEquals(String.valueOf(clock.millis() + 10_000), item().get("passwordLockedUntil").n());
        clock.advance(Duration.ofSeconds(10));
        assertToken(strict.generate(user.userId(), user.token(), digest, body));
    }

    /** Guesses sent at once: each read the user before any was counted, yet only four get past "invalid". */
    @Test
    void concurrentWrongGuessesCannotGetPastTheLimit() throws Exception {
        List<Api.Response> answers = Api.concurrently(20, i -> generate(wrong, "t"));
        long invalid = answers.stream().filter(r -> r.body().equals(Api.json(challenge("totp-invalid", PASSWORD)))).count();
        long locked = answers.stream().filter(r -> r.body().equals(Api.json(challenge("totp-max-attempts", PASSWORD)))).count();
        assertEquals(List.of(4L, 16L), List.of(invalid, locked), answers.toString());
        assertAnswer(400, challenge("totp-max-attempts", PASSWORD), generate(digest, "t"));
    }

    @Test
    void aRightDigestMakesOneReadAndOneWriteAndAWrongOneOneWriteMore() {
        assertToken(generate(digest, "t"));
        assertEquals(2, TwoFactorClient.lastRequestLine(user.userId()).get("dynamodbCalls").asInt(),
                "the reset rides in the endpoint's write");
        assertAnswer(400, challenge("totp-invalid", PASSWORD), generate(wrong, "t2"));
        assertEquals(2, TwoFactorClient.lastRequestLine(user.userId()).get("dynamodbCalls").asInt(),
                "the read, and the count with its condition in one write");
    }
}
