package dev.rcpat.session;

import dev.rcpat.auth.Authenticator;
import dev.rcpat.auth.Passwords;
import dev.rcpat.auth.Secrets;
import dev.rcpat.config.Settings;
import dev.rcpat.core.PublicEndpoint;
import dev.rcpat.domain.Client;
import dev.rcpat.domain.LookupKeys;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.User;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserLookups;
import dev.rcpat.store.UserStore;
import dev.rcpat.store.UserWrite;
import dev.rcpat.tokens.TokenGenerator;
import dev.rcpat.twofactor.TwoFactorCheck;
import dev.rcpat.twofactor.TwoFactorPass;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/v1/login} (docs/compatibility.md, "Login"). A username or address is found
 * through its lookup item (read together with the client address's failure count), then the user
 * is read; blocks are checked before the password, as Rocket.Chat does; the second factor follows
 * a right password. A success is one conditional write that adds the login token, prunes the
 * oldest beyond {@link User#MAX_LOGIN_TOKENS}, forgets failed logins and spends the second factor.
 */
public final class Login implements PublicEndpoint<LoginInput> {

    private static final long FAILURE_MEMORY_SECONDS = Duration.ofDays(1).toSeconds();
    private static final int WRITE_ATTEMPTS = 3;

    private final Settings settings;
    private final UserStore store;
    private final UserLookups lookups;
    private final Authenticator authenticator;
    private final TwoFactorCheck twoFactor;
    private final TokenGenerator tokens;

    public Login(Settings settings, UserStore store, UserLookups lookups, Authenticator authenticator,
                 TwoFactorCheck twoFactor, TokenGenerator tokens) {
        this.settings = settings;
        this.store = store;
        this.lookups = lookups;
        this.authenticator = authenticator;
        this.twoFactor = twoFactor;
        this.tokens = tokens;
    }

    @Override
    public Answer handle(LoginInput input, Client client, long now) throws Refusal, StoreUnavailableException {
        String addressKey = LookupKeys.clientAddress(client.sourceIp());
        String userKey = switch (input) {
            case LoginInput.WithPassword p -> p.username() != null ? LookupKeys.username(p.username())
                    : LookupKeys.email(p.email());
            case LoginInput.Resume r -> LookupKeys.loginToken(Secrets.hashToken(r.token()));
        };
        boolean blocking = settings.blockFailedLogins();
        Map<String, UserLookups.Lookup> found = lookups.read(blocking ? List.of(userKey, addressKey) : List.of(userKey));
        UserLookups.Lookup address = found.get(addressKey);
        if (address != null && address.blockedAt(now)) {
            throw Refusal.loginRefused("error-login-blocked-for-ip", "Login has been temporarily blocked For IP", null);
        }
        UserLookups.Lookup target = found.get(userKey);
        Optional<User> maybeUser = target == null || target.userId() == null ? Optional.empty()
                : store.load(target.userId(), List.of()).user();
        if (maybeUser.isEmpty()) {
            if (input instanceof LoginInput.WithPassword p) {
                Passwords.matchesDigest(p.passwordDigest(), null); // as long as a wrong password takes
            }
            countAddressFailure(addressKey, now);
            throw unauthorized();
        }
        User user = maybeUser.get();
        if (blocking && user.loginAttempts().blockedAt(now)) {
            throw Refusal.loginRefused("error-login-blocked-for-user", "Login has been temporarily blocked For User", null);
        }
        return switch (input) {
            case LoginInput.WithPassword p -> withPassword(user, p, addressKey, address, now);
            case LoginInput.Resume r -> resume(user, r, addressKey, now);
        };
    }

    private Answer withPassword(User user, LoginInput.WithPassword input, String addressKey,
                                UserLookups.Lookup address, long now) throws Refusal, StoreUnavailableException {
        if (!Passwords.matchesDigest(input.passwordDigest(), user.passwordBcrypt())) {
            countUserFailure(user, now);
            countAddressFailure(addressKey, now);
            throw unauthorized();
        }
        if (!user.active()) {
            throw Refusal.loginRefused("error-user-is-not-activated", "User is not activated", null);
        }
        TwoFactorPass pass;
        try {
            pass = twoFactor.verifyAtLogin(user, input.code(), now);
        } catch (Refusal challenge) {
            throw challenge.atLogin();
        }
        String token = tokens.newToken();
        issue(user, token, pass, now);
        if (address != null && address.failures() > 0) {
            lookups.clearFailures(addressKey); // Rocket.Chat counts an address's failures since its last success
        }
        return answer(user, token);
    }

    private Answer resume(User user, LoginInput.Resume input, String addressKey, long now)
            throws Refusal, StoreUnavailableException {
        StoredToken used;
        try {
            used = authenticator.authenticate(Optional.of(user), input.token(), now);
        } catch (Refusal notLoggedIn) {
            countAddressFailure(addressKey, now);
            throw unauthorized();
        }
        if (used.isPersonalAccessToken()) {
            throw unauthorized(); // Meteor resumes login tokens; a personal access token is used as a header
        }
        return answer(user, input.token());
    }

    /** Stores the new token's resume lookup, then the token itself with the login's bookkeeping. */
    private void issue(User read, String token, TwoFactorPass pass, long now)
            throws Refusal, StoreUnavailableException {
        StoredToken record = StoredToken.loginToken(Secrets.hashToken(token), now);
        long expiresAtSeconds = (now + Duration.ofDays(settings.loginExpirationDays()).toMillis()) / 1000;
        try {
            lookups.claim(LookupKeys.loginToken(record.hashedToken()), read.id(), expiresAtSeconds);
        } catch (ConditionFailedException impossible) {
            throw new IllegalStateException("a new token's hash is already taken", impossible);
        }
        User user = read;
        for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
            UserWrite write = new UserWrite(user.id())
                    .add(new UserWrite.PruneLoginTokens(toPrune(user, now), user.loginTokens().size()))
                    .add(new UserWrite.AddLoginToken(record))
                    .addAll(pass.ops());
            if (user.loginAttempts().failures() > 0 || user.loginAttempts().blockedUntil() != null) {
                write.add(new UserWrite.ClearLoginFailures());
            }
            try {
                store.apply(write);
                return;
            } catch (ConditionFailedException concurrentLogin) {
                Optional<User> fresh = store.load(user.id(), List.of()).user();
                if (fresh.isEmpty()) {
                    throw unauthorized();
                }
                Optional<Refusal> spent = twoFactor.explainConflict(pass, fresh.get());
                if (spent.isPresent()) {
                    throw spent.get().atLogin();
                }
                user = fresh.get();
            }
        }
        throw Refusal.conflict();
    }

    /** Expired login tokens, then the oldest, so that the new one makes at most {@link User#MAX_LOGIN_TOKENS}. */
    private List<String> toPrune(User user, long now) {
        long expiry = Duration.ofDays(settings.loginExpirationDays()).toMillis();
        List<StoredToken> byAge = new ArrayList<>(user.loginTokens().values());
        byAge.sort(Comparator.comparingLong(StoredToken::createdAt));
        List<String> pruned = new ArrayList<>();
        int kept = byAge.size();
        for (StoredToken t : byAge) {
            if (kept >= User.MAX_LOGIN_TOKENS || now >= t.createdAt() + expiry) {
                pruned.add(t.hashedToken());
                kept--;
            }
        }
        return pruned;
    }

    private void countUserFailure(User user, long now) throws StoreUnavailableException {
        if (!settings.blockFailedLogins()) {
            return;
        }
        try {
            User after = store.applyAndReturn(new UserWrite(user.id()).add(new UserWrite.CountFailedLogin()));
            if (after.loginAttempts().failures() >= settings.blockFailedLoginsUserAttempts()) {
                store.apply(new UserWrite(user.id())
                        .add(new UserWrite.BlockLogins(now + settings.blockFailedLoginsSeconds() * 1000)));
            }
        } catch (ConditionFailedException deleted) {
            // the user is gone: nothing left to block
        }
    }

    private void countAddressFailure(String addressKey, long now) throws StoreUnavailableException {
        if (!settings.blockFailedLogins()) {
            return;
        }
        long expiresAt = now / 1000 + Math.max(FAILURE_MEMORY_SECONDS, settings.blockFailedLoginsSeconds());
        UserLookups.Lookup after = lookups.countFailure(addressKey, expiresAt);
        if (after.failures() >= settings.blockFailedLoginsIpAttempts()) {
            lookups.block(addressKey, now + settings.blockFailedLoginsSeconds() * 1000, expiresAt);
        }
    }

    /** Wrong user or password, and unknown user, answer alike: nothing says which part was wrong. */
    private static Refusal unauthorized() {
        return Refusal.loginRefused("Unauthorized", "Unauthorized", null);
    }

    private static Answer answer(User user, String token) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("userId", user.id());
        data.put("authToken", token);
        data.put("me", UserInfo.of(user));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "success");
        body.put("data", data);
        return new Answer(user.id(), body);
    }
}
