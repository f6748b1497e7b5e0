package dev.rcpat.twofactor;

import dev.rcpat.config.Settings;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.TotpState;
import dev.rcpat.domain.User;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserStore;
import dev.rcpat.store.UserWrite;

import java.util.List;
import java.util.OptionalLong;

/**
 * TOTP and backup codes (docs/compatibility.md, "TOTP"). A right code is not written here: the
 * step (or backup code) it spends is returned and travels in the endpoint's own conditional write.
 * A wrong code is counted at once (a replayed, already spent code is refused without counting);
 * the {@code TOTP_MAX_ATTEMPTS}th consecutive wrong one locks TOTP for {@code TOTP_LOCK_SECONDS},
 * during which every code, right or wrong, gets {@code totp-max-attempts}.
 */
public final class TotpCheck {

    private final Settings settings;
    private final UserStore store;
    private final TotpCodes codes;

    public TotpCheck(Settings settings, UserStore store, TotpCodes codes) {
        this.settings = settings;
        this.store = store;
        this.codes = codes;
    }

    List<UserWrite.Op> verify(User user, String code, long now, Challenge challenge)
            throws Refusal, StoreUnavailableException {
        if (code == null) {
            throw challenge.required();
        }
        if (!MethodSelection.totpEnabled(user, settings)) {
            throw challenge.invalid();
        }
        TotpState totp = user.totp();
        if (totp.lockedUntil() != null && totp.lockedUntil() > now) {
            throw challenge.maxAttempts();
        }
        if (totp.failedAttempts() >= settings.totpMaxAttempts()) {
            // The limit was reached but its lock never written (that write failed): no code may
            // pass until a lock has run its course, so lock now.
            throw lock(user.id(), now, challenge);
        }
        String typed = code.strip();
        if (BackupCodes.looksLikeBackupCode(typed)) {
            int index = BackupCodes.indexOf(totp.hashedBackup(), typed);
            if (index >= 0) {
                return List.of(new UserWrite.SpendBackupCode(index, totp.hashedBackup().get(index), now,
                        settings.totpMaxAttempts()));
            }
        } else {
            OptionalLong step = codes.matchingStep(totp.secret(), typed, now, settings.totpMaxDelta());
            if (step.isPresent()) {
                if (totp.lastUsedStep() == null || step.getAsLong() > totp.lastUsedStep()) {
                    return List.of(new UserWrite.SpendTotpStep(step.getAsLong(), now, settings.totpMaxAttempts()));
                }
                // A replay of a spent code is refused but not counted: it is no guess, and
                // counting it would let a client's parallel requests lock the user out.
                throw challenge.invalid();
            }
        }
        throw failed(user.id(), now, challenge);
    }

    /** Counts the failure (atomically, reading the new count back) and locks at the limit. */
    private Refusal failed(String userId, long now, Challenge challenge) throws StoreUnavailableException {
        User after;
        try {
            after = store.applyAndReturn(new UserWrite(userId).add(new UserWrite.CountFailedTotp()));
        } catch (ConditionFailedException e) {
            return challenge.invalid(); // TOTP was removed meanwhile
        }
        if (after.totp() == null || after.totp().failedAttempts() < settings.totpMaxAttempts()) {
            return challenge.invalid();
        }
        return lock(userId, now, challenge);
    }

    /** Locks TOTP for {@code TOTP_LOCK_SECONDS} from now (starting the failure count afresh). */
    private Refusal lock(String userId, long now, Challenge challenge) throws StoreUnavailableException {
        try {
            store.apply(new UserWrite(userId)
                    .add(new UserWrite.LockTotp(now + settings.totpLockSeconds() * 1000)));
        } catch (ConditionFailedException e) {
            return challenge.invalid();
        }
        return challenge.maxAttempts();
    }

    /** Whether concurrent wrong codes locked TOTP, or reached the limit, before this pass's spend was written. */
    static boolean limitReachedMeanwhile(UserWrite.Op op, User fresh) {
        TotpState totp = fresh.totp();
        return switch (op) {
            case UserWrite.SpendTotpStep spend -> totp != null && limitReached(totp, spend.now(), spend.maxFailedAttempts());
            case UserWrite.SpendBackupCode spend -> totp != null && limitReached(totp, spend.now(), spend.maxFailedAttempts());
            default -> false;
        };
    }

    private static boolean limitReached(TotpState totp, long now, int maxFailedAttempts) {
        return (totp.lockedUntil() != null && totp.lockedUntil() > now) || totp.failedAttempts() >= maxFailedAttempts;
    }

    /** Whether the step or backup code this pass spends was spent by a concurrent request. */
    static boolean spentMeanwhile(UserWrite.Op op, User fresh) {
        TotpState totp = fresh.totp();
        return switch (op) {
            case UserWrite.SpendTotpStep spend ->
                    totp == null || (totp.lastUsedStep() != null && totp.lastUsedStep() >= spend.step());
            case UserWrite.SpendBackupCode spend -> totp == null || !totp.hashedBackup().contains(spend.hash());
            default -> false;
        };
    }
}
