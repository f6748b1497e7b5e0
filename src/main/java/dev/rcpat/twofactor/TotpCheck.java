package dev.rcpat.twofactor;

import dev.rcpat.api.ApiError;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.TotpState;
import dev.rcpat.domain.User;
import dev.rcpat.pipeline.Call;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserWrite;

import java.util.List;
import java.util.OptionalLong;

/**
 * TOTP and backup codes (spec section 7). A right code is not written here: the step (or backup
 * code) to spend is returned and travels in the endpoint's own conditional write. A wrong code is
 * counted at once (a replayed, already spent code is refused without counting); the
 * {@code TOTP_MAX_ATTEMPTS}th consecutive wrong one locks TOTP for
 * {@code TOTP_LOCK_SECONDS}, during which every code, right or wrong, gets {@code totp-max-attempts}.
 */
final class TotpCheck {

    private final Settings settings;
    private final TotpCodes codes = new TotpCodes();

    TotpCheck(Settings settings) {
        this.settings = settings;
    }

    List<UserWrite.Op> verify(Call call, String code, Challenge challenge) throws ApiError, StoreUnavailableException {
        if (code == null) {
            throw challenge.required();
        }
        User user = call.user();
        if (!MethodSelection.totpEnabled(user, settings)) {
            throw challenge.invalid();
        }
        TotpState totp = user.totp();
        if (totp.lockedUntil() != null && totp.lockedUntil() > call.now()) {
            throw challenge.maxAttempts();
        }
        if (totp.failedAttempts() >= settings.totpMaxAttempts()) {
            // The limit was reached but its lock never written (that write failed): no code may
            // pass until a lock has run its course, so lock now.
            throw lock(call, challenge);
        }
        String typed = code.strip();
        if (BackupCodes.looksLikeBackupCode(typed)) {
            int index = BackupCodes.indexOf(totp.hashedBackup(), typed);
            if (index >= 0) {
                return List.of(new UserWrite.SpendBackupCode(index, totp.hashedBackup().get(index), call.now(),
                        settings.totpMaxAttempts()));
            }
        } else {
            OptionalLong step = codes.matchingStep(totp.secret(), typed, call.now(), settings.totpMaxDelta());
            if (step.isPresent()) {
                if (totp.lastUsedStep() == null || step.getAsLong() > totp.lastUsedStep()) {
                    return List.of(new UserWrite.SpendTotpStep(step.getAsLong(), call.now(), settings.totpMaxAttempts()));
                }
                // A replay of a spent code is refused but not counted: it is no guess, and
                // counting it would let a client's parallel requests lock the user out.
                throw challenge.invalid();
            }
        }
        throw failed(call, challenge);
    }

    /** Counts the failure (atomically, reading the new count back) and locks at the limit. */
    private ApiError failed(Call call, Challenge challenge) throws StoreUnavailableException {
        String userId = call.user().id();
        User after;
        try {
            after = call.store().applyAndReturn(new UserWrite(userId).add(new UserWrite.CountFailedTotp()));
        } catch (ConditionFailedException e) {
            return challenge.invalid(); // TOTP was removed meanwhile
        }
        if (after.totp() == null || after.totp().failedAttempts() < settings.totpMaxAttempts()) {
            return challenge.invalid();
        }
        return lock(call, challenge);
    }

    /** Locks TOTP for {@code TOTP_LOCK_SECONDS} from now (starting the failure count afresh). */
    private ApiError lock(Call call, Challenge challenge) throws StoreUnavailableException {
        try {
            call.store().apply(new UserWrite(call.user().id())
                    .add(new UserWrite.LockTotp(call.now() + settings.totpLockSeconds() * 1000)));
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
