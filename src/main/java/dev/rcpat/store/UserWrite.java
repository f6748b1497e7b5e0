package dev.rcpat.store;

import dev.rcpat.domain.EmailCode;
import dev.rcpat.domain.StoredToken;

import java.util.ArrayList;
import java.util.List;

/**
 * One atomic change to one user item, described in domain terms. Every operation carries its own
 * condition; the store applies all of them in a single conditional write, so either every
 * operation happens or none does. The endpoint's change (a new token, say) and the two-factor
 * bookkeeping (spending a code, remembering the second factor) travel in the same write.
 */
public final class UserWrite {

    /** An operation and, implicitly, the condition under which it may happen. */
    public sealed interface Op permits AddPersonalAccessToken, ReplacePersonalAccessToken,
            RemovePersonalAccessToken, TouchLastUsed, RememberTwoFactor, StoreEmailCode, SpendEmailCode,
            CountFailedEmailCode, WithdrawEmailCode, SpendTotpStep, SpendBackupCode, CountFailedTotp, LockTotp,
            ResetFailedPasswords, CountFailedPassword, LockPassword, AddLoginToken, PruneLoginTokens, RemoveLoginToken,
            CountFailedLogin, BlockLogins, ClearLoginFailures { }

    /** Adds a PAT if no PAT of that name exists and the user has fewer than {@code maxTokens}. */
    public record AddPersonalAccessToken(StoredToken token, int maxTokens) implements Op { }

    /** Replaces the PAT of that name if its stored hash is still {@code expectedHash}. */
    public record ReplacePersonalAccessToken(String expectedHash, StoredToken token) implements Op { }

    /** Removes the PAT of that name if it still exists. */
    public record RemovePersonalAccessToken(String name) implements Op { }

    /**
     * Sets {@code lastUsedAt} of the PAT of that name if it still holds {@code hashedToken}: a use
     * of a secret that was regenerated meanwhile must not be recorded on its successor.
     */
    public record TouchLastUsed(String name, String hashedToken, long at) implements Op { }

    /** Marks the token used for the request as second-factor-authorized until {@code until}. */
    public record RememberTwoFactor(StoredToken token, long until, String fingerprint) implements Op { }

    /** Stores a new email code if the stored one is still {@code previousHash} (null: none stored). */
    public record StoreEmailCode(EmailCode code, String previousHash) implements Op { }

    /**
     * Deletes the email code if it is still the one with {@code hash} (single use) and fewer than
     * {@code maxAttempts} wrong codes were counted against it (concurrent guesses may have used them up).
     */
    public record SpendEmailCode(String hash, int maxAttempts) implements Op { }

    /** Counts a wrong email code against the code with {@code hash}. */
    public record CountFailedEmailCode(String hash) implements Op { }

    /** Removes the email code with {@code hash} if it is still the stored one (its mail could not be sent). */
    public record WithdrawEmailCode(String hash) implements Op { }

    /**
     * Records {@code step} as used if no later-or-equal step was used and TOTP is usable (not
     * locked at {@code now}, fewer than {@code maxFailedAttempts} failures counted), and resets failures.
     */
    public record SpendTotpStep(long step, long now, int maxFailedAttempts) implements Op { }

    /**
     * Removes backup code {@code hash} if it is still at {@code index} and TOTP is usable (as for
     * {@link SpendTotpStep}), and resets failures.
     */
    public record SpendBackupCode(int index, String hash, long now, int maxFailedAttempts) implements Op { }

    /** Counts a wrong TOTP code (atomic increment). */
    public record CountFailedTotp() implements Op { }

    /** Locks TOTP until {@code until} and starts the failure count afresh. */
    public record LockTotp(long until) implements Op { }

    /** Stores a login token under its hash (a token stored again, by the admin tooling, is refreshed). */
    /**
     * After a right password digest: clears the count of wrong ones, if the password fallback is
     * usable (not locked at {@code now}, fewer than {@code maxFailedAttempts} failures counted:
     * concurrent wrong guesses may have reached the limit since the user was read).
     */
    public record ResetFailedPasswords(long now, int maxFailedAttempts) implements Op { }

    /** Counts a wrong password digest (atomic increment), if the password fallback is usable as above. */
    public record CountFailedPassword(long now, int maxFailedAttempts) implements Op { }

    /** Locks the password fallback until {@code until} and starts the failure count afresh. */
    public record LockPassword(long until) implements Op { }

    /** Adds a login token if no token with that hash exists. */
    public record AddLoginToken(StoredToken token) implements Op { }

    /**
     * Removes the login tokens with these hashes, if the user still has exactly {@code countBefore}
     * login tokens: two concurrent logins that pruned from the same view cannot both pass the limit.
     */
    public record PruneLoginTokens(List<String> hashes, int countBefore) implements Op {
        public PruneLoginTokens {
            hashes = List.copyOf(hashes);
        }
    }

    /** Removes the login token with that hash if it still exists (logout). */
    public record RemoveLoginToken(String hashedToken) implements Op { }

    /** Counts a failed login (atomic increment). */
    public record CountFailedLogin() implements Op { }

    /** Blocks logins until {@code until} and starts the failure count afresh. */
    public record BlockLogins(long until) implements Op { }

    /** Forgets failed logins and any block (a successful login). */
    public record ClearLoginFailures() implements Op { }

    private final String userId;
    private final List<Op> ops = new ArrayList<>();

    public UserWrite(String userId) {
        this.userId = userId;
    }

    public UserWrite add(Op op) {
        ops.add(op);
        return this;
    }

    public UserWrite addAll(List<? extends Op> more) {
        ops.addAll(more);
        return this;
    }

    public String userId() {
        return userId;
    }

    public List<Op> ops() {
        return List.copyOf(ops);
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }
}
