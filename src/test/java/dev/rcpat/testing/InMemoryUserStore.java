package dev.rcpat.testing;

import dev.rcpat.domain.EmailCode;
import dev.rcpat.domain.LoginAttempts;
import dev.rcpat.domain.PasswordAttempts;
import dev.rcpat.domain.Permissions;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.TotpState;
import dev.rcpat.domain.User;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.UserStore;
import dev.rcpat.store.UserWrite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link UserStore} in memory, for unit tests of the rules above the store: each write checks
 * every operation's condition against the current user and applies all of them or none, as the
 * DynamoDB store's one conditional UpdateItem does. Counts its calls, the round trips a real store
 * would make.
 */
public final class InMemoryUserStore implements UserStore {

    private final Map<String, User> users = new HashMap<>();
    private final Map<String, List<String>> permissions = new HashMap<>();
    private final List<UserWrite> writes = new ArrayList<>();
    private int loads;

    public synchronized InMemoryUserStore put(User user) {
        users.put(user.id(), user);
        return this;
    }

    public synchronized InMemoryUserStore permission(String permission, List<String> roles) {
        permissions.put(permission, List.copyOf(roles));
        return this;
    }

    public synchronized User user(String id) {
        return users.get(id);
    }

    /** The writes applied so far, in order. */
    public synchronized List<UserWrite> writes() {
        return List.copyOf(writes);
    }

    public synchronized int loads() {
        return loads;
    }

    @Override
    public synchronized Snapshot load(String userId, List<String> permissionIds) {
        loads++;
        Map<String, List<String>> roles = new HashMap<>();
        for (String p : permissionIds) {
            roles.put(p, permissions.getOrDefault(p, Permissions.defaultRoles(p)));
        }
        return new Snapshot(Optional.ofNullable(users.get(userId)), roles);
    }

    @Override
    public synchronized void apply(UserWrite write) throws ConditionFailedException {
        applyAndReturn(write);
    }

    @Override
    public synchronized User applyAndReturn(UserWrite write) throws ConditionFailedException {
        User user = users.get(write.userId());
        if (user == null) {
            throw rejected();
        }
        for (UserWrite.Op op : write.ops()) {
            user = apply(user, op);
        }
        users.put(user.id(), user);
        writes.add(write);
        return user;
    }

    private static User apply(User u, UserWrite.Op op) throws ConditionFailedException {
        Map<String, StoredToken> pats = new HashMap<>(u.personalAccessTokens());
        Map<String, StoredToken> logins = new HashMap<>(u.loginTokens());
        TotpState totp = u.totp();
        EmailCode code = u.emailCode();
        LoginAttempts attempts = u.loginAttempts();
        PasswordAttempts passwords = u.passwordAttempts();
        switch (op) {
            case UserWrite.AddPersonalAccessToken add -> {
                require(!pats.containsKey(add.token().name()) && pats.size() < add.maxTokens());
                pats.put(add.token().name(), add.token());
            }
            case UserWrite.ReplacePersonalAccessToken replace -> {
                StoredToken old = pats.get(replace.token().name());
                require(old != null && old.hashedToken().equals(replace.expectedHash()));
                pats.put(replace.token().name(), replace.token());
            }
            case UserWrite.RemovePersonalAccessToken remove -> require(pats.remove(remove.name()) != null);
            case UserWrite.TouchLastUsed touch -> {
                StoredToken t = pats.get(touch.name());
                require(t != null && t.hashedToken().equals(touch.hashedToken()));
                pats.put(t.name(), new StoredToken(t.kind(), t.hashedToken(), t.name(), t.createdAt(), t.lastTokenPart(),
                        t.bypassTwoFactor(), t.expiresAt(), touch.at(), t.twoFactorAuthorizedUntil(),
                        t.twoFactorAuthorizedHash()));
            }
            case UserWrite.RememberTwoFactor remember -> {
                StoredToken key = remember.token();
                Map<String, StoredToken> map = key.isPersonalAccessToken() ? pats : logins;
                StoredToken t = map.get(key.key());
                require(t != null && t.hashedToken().equals(key.hashedToken()));
                map.put(key.key(), new StoredToken(t.kind(), t.hashedToken(), t.name(), t.createdAt(), t.lastTokenPart(),
                        t.bypassTwoFactor(), t.expiresAt(), t.lastUsedAt(), remember.until(), remember.fingerprint()));
            }
            case UserWrite.StoreEmailCode store -> {
                require(store.previousHash() == null ? code == null : code != null && code.hash().equals(store.previousHash()));
                code = store.code();
            }
            case UserWrite.SpendEmailCode spend -> {
                require(code != null && code.hash().equals(spend.hash()) && code.attempts() < spend.maxAttempts());
                code = null;
            }
            case UserWrite.CountFailedEmailCode failed -> {
                require(code != null && code.hash().equals(failed.hash()));
                code = new EmailCode(code.hash(), code.expiresAt(), code.attempts() + 1);
            }
            case UserWrite.WithdrawEmailCode withdraw -> {
                require(code != null && code.hash().equals(withdraw.hash()));
                code = null;
            }
            case UserWrite.SpendTotpStep spend -> {
                require(totp != null && (totp.lastUsedStep() == null || totp.lastUsedStep() < spend.step())
                        && usable(totp, spend.now(), spend.maxFailedAttempts()));
                totp = new TotpState(totp.enabled(), totp.secret(), totp.hashedBackup(), spend.step(), 0, totp.lockedUntil());
            }
            case UserWrite.SpendBackupCode spend -> {
                require(totp != null && spend.index() < totp.hashedBackup().size()
                        && totp.hashedBackup().get(spend.index()).equals(spend.hash())
                        && usable(totp, spend.now(), spend.maxFailedAttempts()));
                List<String> left = new ArrayList<>(totp.hashedBackup());
                left.remove(spend.index());
                totp = new TotpState(totp.enabled(), totp.secret(), left, totp.lastUsedStep(), 0, totp.lockedUntil());
            }
            case UserWrite.CountFailedTotp ignored -> {
                require(totp != null);
                totp = new TotpState(totp.enabled(), totp.secret(), totp.hashedBackup(), totp.lastUsedStep(),
                        totp.failedAttempts() + 1, totp.lockedUntil());
            }
            case UserWrite.LockTotp lock -> {
                require(totp != null);
                totp = new TotpState(totp.enabled(), totp.secret(), totp.hashedBackup(), totp.lastUsedStep(), 0, lock.until());
            }
            case UserWrite.AddLoginToken add -> logins.put(add.token().key(), add.token());
            case UserWrite.PruneLoginTokens prune -> {
                require(logins.size() == prune.countBefore());
                prune.hashes().forEach(logins::remove);
            }
            case UserWrite.ResetFailedPasswords reset -> {
                require(passwords.usableAt(reset.now(), reset.maxFailedAttempts()));
                passwords = PasswordAttempts.NONE;
            }
            case UserWrite.CountFailedPassword failed -> {
                require(passwords.usableAt(failed.now(), failed.maxFailedAttempts()));
                passwords = new PasswordAttempts(passwords.failedAttempts() + 1, passwords.lockedUntil());
            }
            case UserWrite.LockPassword lock -> passwords = new PasswordAttempts(0, lock.until());
            case UserWrite.RemoveLoginToken remove -> require(logins.remove(remove.hashedToken()) != null);
            case UserWrite.CountFailedLogin ignored ->
                    attempts = new LoginAttempts(attempts.failures() + 1, attempts.blockedUntil());
            case UserWrite.BlockLogins block -> attempts = new LoginAttempts(0, block.until());
            case UserWrite.ClearLoginFailures ignored -> attempts = LoginAttempts.NONE;
        }
        return new User(u.id(), u.username(), u.active(), u.roles(), u.emails(), u.passwordBcrypt(), logins, pats,
                totp, u.email2faEnabled(), code, u.name(), attempts, passwords);
    }

    private static boolean usable(TotpState totp, long now, int maxFailed) {
        return (totp.lockedUntil() == null || totp.lockedUntil() <= now) && totp.failedAttempts() < maxFailed;
    }

    private static void require(boolean condition) throws ConditionFailedException {
        if (!condition) {
            throw rejected();
        }
    }

    private static ConditionFailedException rejected() {
        return new ConditionFailedException(new IllegalStateException("condition does not hold"));
    }
}
