package dev.rcpat.core;

import dev.rcpat.auth.Authenticator;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.User;
import dev.rcpat.log.RequestLog;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserStore;
import dev.rcpat.store.UserWrite;
import dev.rcpat.twofactor.TwoFactorCheck;
import dev.rcpat.twofactor.TwoFactorPass;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes what endpoints decide. A change is one conditional write holding the endpoint's
 * operations, the two-factor bookkeeping of the request and, when due, the caller token's
 * {@code lastUsedAt}; if a concurrent change broke its condition, the user is re-read (one more
 * round trip, on that rare path only) and the answer says what changed: 401 if the caller's token
 * is gone, the two-factor challenge if the code was spent meanwhile, the endpoint's own rule, or
 * else 409.
 */
public final class OutcomeWriter {

    /** {@code lastUsedAt} is written at most this often per token, so most requests write nothing for it. */
    static final long LAST_USED_RESOLUTION_MILLIS = 60_000;

    private final UserStore store;
    private final Authenticator authenticator;
    private final TwoFactorCheck twoFactor;
    private final RequestLog log;

    public OutcomeWriter(UserStore store, Authenticator authenticator, TwoFactorCheck twoFactor, RequestLog log) {
        this.store = store;
        this.authenticator = authenticator;
        this.twoFactor = twoFactor;
        this.log = log;
    }

    /** Writes {@code change} with the request's bookkeeping, then its audit lines. */
    public Map<String, Object> write(AuthenticatedRequest request, TwoFactorPass pass, Outcome.Change change)
            throws Refusal, StoreUnavailableException {
        apply(request, pass, change);
        for (Outcome.Audit audit : change.audits()) {
            log.audit(audit.action(), request.user().id(), audit.token().name(), audit.token().lastTokenPart(),
                    request.client());
        }
        return change.body();
    }

    /** For requests that write no change (read-only or refused): records the token's use when due. Best effort. */
    public void recordUse(AuthenticatedRequest request) {
        lastUsedOp(request).ifPresent(op -> {
            try {
                store.apply(new UserWrite(request.user().id()).add(op));
            } catch (ConditionFailedException | StoreUnavailableException e) {
                // The token was removed meanwhile, or the store is down; the answer stands.
            }
        });
    }

    private void apply(AuthenticatedRequest request, TwoFactorPass pass, Outcome.Change change)
            throws Refusal, StoreUnavailableException {
        StoredToken caller = request.token();
        boolean callerReplaced = caller.isPersonalAccessToken() && caller.name().equals(change.replacedPatName());
        UserWrite write = new UserWrite(request.user().id());
        for (UserWrite.Op op : pass.ops()) {
            if (!(callerReplaced && op instanceof UserWrite.RememberTwoFactor)) {
                write.add(op);
            }
        }
        if (!callerReplaced) {
            lastUsedOp(request).ifPresent(write::add);
        }
        write.addAll(change.ops());
        try {
            store.apply(write);
        } catch (ConditionFailedException e) {
            User fresh = reload(request, pass);
            change.explanation().explain(fresh);
            throw Refusal.conflict();
        }
    }

    private User reload(AuthenticatedRequest request, TwoFactorPass pass) throws Refusal, StoreUnavailableException {
        Optional<User> fresh = store.load(request.user().id(), List.of()).user();
        authenticator.stillValid(fresh, request.token(), request.now());
        Optional<Refusal> challenge = twoFactor.explainConflict(pass, fresh.orElseThrow());
        if (challenge.isPresent()) {
            throw challenge.get();
        }
        return fresh.get();
    }

    private static Optional<UserWrite.Op> lastUsedOp(AuthenticatedRequest request) {
        StoredToken token = request.token();
        if (!token.isPersonalAccessToken()) {
            return Optional.empty();
        }
        Long last = token.lastUsedAt();
        if (last != null && request.now() - last < LAST_USED_RESOLUTION_MILLIS) {
            return Optional.empty();
        }
        return Optional.of(new UserWrite.TouchLastUsed(token.name(), token.hashedToken(), request.now()));
    }
}
