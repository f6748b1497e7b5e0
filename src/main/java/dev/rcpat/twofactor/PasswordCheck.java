package dev.rcpat.twofactor;

import dev.rcpat.auth.Passwords;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.PasswordAttempts;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.User;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserStore;
import dev.rcpat.store.UserWrite;

import java.util.List;

/**
 * The password fallback (docs/compatibility.md, "Password fallback"): the code is the hex SHA-256
 * of the password, checked against its bcrypt hash. Ours, as for TOTP: a wrong digest is counted
 * at once; the {@code PASSWORD_FALLBACK_MAX_ATTEMPTS}th consecutive one locks the method for
 * {@code PASSWORD_FALLBACK_LOCK_SECONDS}, during which every digest, right or wrong, gets
 * {@code totp-max-attempts}. A right digest resets the count in the endpoint's own conditional
 * write, which holds only while the method is usable; each count holds the same condition, so
 * guesses sent at once cannot get past the limit.
 */
final class PasswordCheck {

    private final Settings settings;
    private final UserStore store;

    PasswordCheck(Settings settings, UserStore store) {
        this.settings = settings;
        this.store = store;
    }

    List<UserWrite.Op> verify(User user, String code, long now, Challenge challenge)
            throws Refusal, StoreUnavailableException {
        if (code == null) {
            throw challenge.required();
        }
        PasswordAttempts attempts = user.passwordAttempts();
        int maxAttempts = settings.passwordFallbackMaxAttempts();
        if (attempts.lockedAt(now)) {
            throw challenge.maxAttempts();
        }
        if (attempts.failedAttempts() >= maxAttempts) {
            // The limit was reached but its lock never written (that write failed): lock now, or
            // no digest could ever pass again.
            throw lock(user.id(), now, challenge);
        }
        if (Passwords.matchesDigest(code.strip(), user.passwordBcrypt())) {
            return List.of(new UserWrite.ResetFailedPasswords(now, maxAttempts));
        }
        throw failed(user.id(), now, challenge);
    }

    /** Counts the failure (atomically, reading the new count back) and locks at the limit. */
    private Refusal failed(String userId, long now, Challenge challenge) throws StoreUnavailableException {
        User after;
        try {
            after = store.applyAndReturn(new UserWrite(userId)
                    .add(new UserWrite.CountFailedPassword(now, settings.passwordFallbackMaxAttempts())));
        } catch (ConditionFailedException e) {
            return challenge.maxAttempts(); // concurrent wrong guesses reached the limit or locked it meanwhile
        }
        if (after.passwordAttempts().failedAttempts() < settings.passwordFallbackMaxAttempts()) {
            return challenge.invalid();
        }
        return lock(userId, now, challenge);
    }

    /** Locks the password fallback for {@code PASSWORD_FALLBACK_LOCK_SECONDS} from now (starting the count afresh). */
    private Refusal lock(String userId, long now, Challenge challenge) throws StoreUnavailableException {
        try {
            store.apply(new UserWrite(userId)
                    .add(new UserWrite.LockPassword(now + settings.passwordFallbackLockSeconds() * 1000)));
        } catch (ConditionFailedException e) {
            return challenge.invalid(); // the user is gone
        }
        return challenge.maxAttempts();
    }

    /** Whether concurrent wrong digests locked the fallback, or reached the limit, before this pass's reset was written. */
    static boolean limitReachedMeanwhile(UserWrite.Op op, User fresh) {
        return op instanceof UserWrite.ResetFailedPasswords reset
                && !fresh.passwordAttempts().usableAt(reset.now(), reset.maxFailedAttempts());
    }
}
