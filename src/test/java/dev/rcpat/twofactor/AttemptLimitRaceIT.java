package dev.rcpat.twofactor;

import dev.rcpat.testing.AuthenticatorApp;
import dev.rcpat.CompositionRoot;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.User;
import dev.rcpat.local.UserAdmin;
import dev.rcpat.log.RequestLog;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserStore;
import dev.rcpat.store.UserWrite;
import dev.rcpat.testing.Api;
import dev.rcpat.testing.ForwardingUserStore;
import dev.rcpat.testing.LogCapture;
import dev.rcpat.testing.LogSecretScan;
import dev.rcpat.testing.Login;
import dev.rcpat.testing.MutableClock;
import dev.rcpat.testing.SesMailbox;
import dev.rcpat.testing.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.rcpat.twofactor.TwoFactorClient.assertAnswer;
import static dev.rcpat.twofactor.TwoFactorClient.challenge;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The attempt limits hold against concurrent guesses. An attacker sends many guesses at once:
 * every request reads the user before any failure is counted, so the limit checked on that read
 * cannot stop a right guess whose write lands after the limit was reached. The spend itself must
 * be refused then. Made deterministic here: the store applies what the concurrent wrong guesses
 * wrote between this request's read and its write.
 */
@ExtendWith(LogSecretScan.class)
class AttemptLimitRaceIT {

    static final TestStack stack = TestStack.get();
    static final Map<String, String> NO_REMEMBER = Map.of(Settings.REMEMBER_FOR_SECONDS, "0");

    final MutableClock clock = MutableClock.midStep();

    /** CompositionRoot whose store runs {@code meanwhile} once, just before the first write that spends a code. */
    TwoFactorClient rigWithConcurrentWrites(Function<User, List<UserWrite>> meanwhile) {
        return new TwoFactorClient(stack.services(NO_REMEMBER, clock, real -> new ForwardingUserStore(real) {
            boolean done;

            @Override
            public void apply(UserWrite write) throws ConditionFailedException, StoreUnavailableException {
                if (!done && write.ops().stream().anyMatch(op -> op instanceof UserWrite.SpendTotpStep
                        || op instanceof UserWrite.SpendBackupCode || op instanceof UserWrite.SpendEmailCode
                        || op instanceof UserWrite.ResetFailedPasswords)) {
                    done = true;
                    User before = delegate.load(write.userId(), List.of()).user().orElseThrow();
                    for (UserWrite concurrent : meanwhile.apply(before)) {
                        delegate.apply(concurrent);
                    }
                }
                delegate.apply(write);
            }
        }));
    }

    /** Five wrong TOTP guesses counted; with {@code locked}, the fifth one's lock written too. */
    static List<UserWrite> fiveWrongTotpGuesses(String userId, long now, boolean locked) {
        List<UserWrite> writes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            writes.add(new UserWrite(userId).add(new UserWrite.CountFailedTotp()));
        }
        if (locked) {
            writes.add(new UserWrite(userId).add(new UserWrite.LockTotp(now + 300_000)));
        }
        return writes;
    }

    /** Five wrong password digests counted; with {@code locked}, the fifth one's lock written too. */
    static List<UserWrite> fiveWrongDigests(String userId, long now, boolean locked) {
        List<UserWrite> writes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            writes.add(new UserWrite(userId).add(new UserWrite.CountFailedPassword(now, 5)));
        }
        if (locked) {
            writes.add(new UserWrite(userId).add(new UserWrite.LockPassword(now + 300_000)));
        }
        return writes;
    }

    static final String PASSWORD = "{\"method\":\"password\",\"codeGenerated\":false,\"availableMethods\":[]}";

    record PasswordUser(Login login, String digest) { }

    PasswordUser passwordUser() {
        String password = LogCapture.secret("race-pw-" + UserAdmin.newUserId());
        Login login = stack.login(UserAdmin.NewUser.named("race-pw-" + UserAdmin.newUserId()).password(password));
        return new PasswordUser(login, LogCapture.secret(dev.rcpat.auth.Secrets.sha256Hex(password)));
    }

    @Test
    void aRightDigestIsRefusedWhenConcurrentWrongGuessesLockedTheFallbackMeanwhile() {
        PasswordUser user = passwordUser();
        for (boolean lockWritten : new boolean[] {true, false}) {
            PasswordUser fresh = lockWritten ? user : passwordUser();
            TwoFactorClient rig = rigWithConcurrentWrites(u -> fiveWrongDigests(u.id(), clock.millis(), lockWritten));
            Api.Response r = rig.generate(fresh.login().userId(), fresh.login().token(), fresh.digest(), "{\"tokenName\":\"t\"}");
            assertAnswer(400, challenge("totp-max-attempts", PASSWORD), r);
            assertEquals(Map.of(), item(fresh.login()).get("personalAccessTokens").m());
        }
    }

    @Test
    void aPasswordLimitReachedWithoutItsLockLocksAtTheNextDigestAndTheLockEnds() throws Exception {
        PasswordUser user = passwordUser();
        for (UserWrite w : fiveWrongDigests(user.login().userId(), clock.millis(), false)) {
            stack.services().store().apply(w);
        }
        TwoFactorClient rig = new TwoFactorClient(stack.services(NO_REMEMBER, clock));
        assertAnswer(400, challenge("totp-max-attempts", PASSWORD),
                rig.generate(user.login().userId(), user.login().token(), user.digest(), "{\"tokenName\":\"t\"}"));
        assertEquals(String.valueOf(clock.millis() + 300_000), item(user.login()).get("passwordLockedUntil").n());
        clock.advance(java.time.Duration.ofSeconds(300));
        TwoFactorClient.assertToken(rig.generate(user.login().userId(), user.login().token(), user.digest(),
                "{\"tokenName\":\"t\"}"));
    }

    Login totpUser() {
        return stack.login(UserAdmin.NewUser.named("race-totp-" + UserAdmin.newUserId()).withTotp());
    }

    String currentCode(Login user) {
        return LogCapture.secret(AuthenticatorApp.code(user.totpSecret(), clock.millis()));
    }

    Map<String, AttributeValue> item(Login user) {
        return stack.admin().rawItem(user.userId());
    }

    @Test
    void aRightTotpCodeIsRefusedWhenConcurrentWrongGuessesLockedTotpMeanwhile() {
        Login user = totpUser();
        TwoFactorClient rig = rigWithConcurrentWrites(u -> fiveWrongTotpGuesses(u.id(), clock.millis(), true));
        Api.Response r = rig.generate(user.userId(), user.token(), currentCode(user), "{\"tokenName\":\"t\"}");
        assertAnswer(400, challenge("totp-max-attempts", TwoFactorClient.TOTP_ONLY), r);
        assertEquals(Map.of(), item(user).get("personalAccessTokens").m());
        assertNull(item(user).get("totp").m().get("lastUsedStep"), "the step was not spent");
    }

    @Test
    void aRightTotpCodeIsRefusedWhenConcurrentWrongGuessesReachedTheLimitBeforeTheLockWasWritten() {
        Login user = totpUser();
        TwoFactorClient rig = rigWithConcurrentWrites(u -> fiveWrongTotpGuesses(u.id(), clock.millis(), false));
        Api.Response r = rig.generate(user.userId(), user.token(), currentCode(user), "{\"tokenName\":\"t\"}");
        assertAnswer(400, challenge("totp-max-attempts", TwoFactorClient.TOTP_ONLY), r);
        assertEquals(Map.of(), item(user).get("personalAccessTokens").m());
    }

    @Test
    void aBackupCodeIsRefusedWhenConcurrentWrongGuessesLockedTotpMeanwhile() {
        Login user = totpUser();
        TwoFactorClient rig = rigWithConcurrentWrites(u -> fiveWrongTotpGuesses(u.id(), clock.millis(), true));
        Api.Response r = rig.generate(user.userId(), user.token(), user.user().backupCodes().get(0), "{\"tokenName\":\"t\"}");
        assertAnswer(400, challenge("totp-max-attempts", TwoFactorClient.TOTP_ONLY), r);
        assertEquals(12, item(user).get("totp").m().get("hashedBackup").l().size(), "the backup code was not spent");
        assertEquals(Map.of(), item(user).get("personalAccessTokens").m());
    }

    /**
     * Spending now requires fewer failures than the limit, so a limit reached without its lock
     * (the lock's own write failed) must lock then, or no right code would ever pass again.
     */
    @Test
    void aLimitReachedWithoutItsLockLocksAtTheNextCodeAndTheLockEnds() throws Exception {
        Login user = totpUser();
        for (UserWrite w : fiveWrongTotpGuesses(user.userId(), clock.millis(), false)) {
            stack.services().store().apply(w);
        }
        TwoFactorClient rig = new TwoFactorClient(stack.services(NO_REMEMBER, clock));
        assertAnswer(400, challenge("totp-max-attempts", TwoFactorClient.TOTP_ONLY),
                rig.generate(user.userId(), user.token(), currentCode(user), "{\"tokenName\":\"t\"}"));
        assertEquals(String.valueOf(clock.millis() + 300_000), item(user).get("totp").m().get("lockedUntil").n());
        clock.advance(java.time.Duration.ofSeconds(300));
        TwoFactorClient.assertToken(rig.generate(user.userId(), user.token(), currentCode(user), "{\"tokenName\":\"t\"}"));
    }

    @Test
    void aRightEmailCodeIsRefusedWhenConcurrentWrongGuessesUsedUpItsAttemptsMeanwhile() {
        String id = UserAdmin.newUserId().toLowerCase();
        String address = "race-" + id + "@rcpat.test";
        Login user = stack.login(UserAdmin.NewUser.named("race-mail-" + id).email(address, true).withEmail2fa());
        TwoFactorClient rig = rigWithConcurrentWrites(u -> {
            List<UserWrite> writes = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                writes.add(new UserWrite(u.id()).add(new UserWrite.CountFailedEmailCode(u.emailCode().hash())));
            }
            return writes;
        });
        String details = "{\"method\":\"email\",\"codeGenerated\":true,\"emailOrUsername\":\"race-mail-" + id + "\","
                + "\"availableMethods\":[\"email\"]}";
        assertAnswer(400, challenge("totp-required", details),
                rig.generate(user.userId(), user.token(), null, "{\"tokenName\":\"ask\"}"));
        List<SesMailbox.Mail> mails = stack.mailbox().to(address);
        String code = TwoFactorClient.shownCode(mails.get(mails.size() - 1));

        Api.Response r = rig.generate(user.userId(), user.token(), code, "{\"tokenName\":\"t\"}");
        assertAnswer(400, challenge("totp-max-attempts", details.replace("\"codeGenerated\":true", "\"codeGenerated\":false")), r);
        assertEquals(Map.of(), item(user).get("personalAccessTokens").m());
        assertNotNull(item(user).get("emailCode"), "the code was not spent by the refused request");
    }
}
