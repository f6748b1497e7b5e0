package dev.rcpat.core;

import dev.rcpat.auth.Authenticator;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.TokenChange;
import dev.rcpat.domain.User;
import dev.rcpat.log.RequestLog;
import dev.rcpat.mail.TokenNotice;
import dev.rcpat.mail.TokenNotifier;
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
 * else 409. Once a change is written, its audit lines are logged and the user is mailed a notice
 * of each token change; a notice that cannot be sent is counted, never the request's failure.
 */
public final class OutcomeWriter {

    /** {@code lastUsedAt} is written at most this often per token, so most requests write nothing for it. */
    static final long LAST_USED_RESOLUTION_MILLIS = 60_000;

    private final UserStore store;
    private final Authenticator authenticator;
    private final TwoFactorCheck twoFactor;
    private final TokenNotifier notifier;
    private final RequestLog log;

    public OutcomeWriter(UserStore store, Authenticator authenticator, TwoFactorCheck twoFactor, TokenNotifier notifier,
                         RequestLog log) {
        this.store = store;
        this.authenticator = authenticator;
        this.twoFactor = twoFactor;
        this.notifier = notifier;
        this.log = log;
    }

    /**
     * A change as written: the answer's body, the token changes it made, and what became of the
     * notices mailed about them.
     */
    public record Written(Map<String, Object> body, List<TokenChange> tokenChanges, TokenNotifier.Delivery notices) {
        public Written {
            tokenChanges = List.copyOf(tokenChanges);
        }
    }

    /** Writes {@code change} with the request's bookkeeping, then its audit lines, then mails the notices. */
    public Written write(AuthenticatedRequest request, TwoFactorPass pass, Outcome.Change change)
            throws Refusal, StoreUnavailableException {
        apply(request, pass, change);
        for (Outcome.Audit audit : change.audits()) {
            log.audit(audit.change(), request.user().id(), audit.token().name(), audit.token().lastTokenPart(),
                    request.client());
        }
        return new Written(change.body(), change.audits().stream().map(Outcome.Audit::change).toList(),
                notifyUser(request, change.audits()));
    }

    /** Best effort, after the write: the change stands whatever the mail service does. */
    private TokenNotifier.Delivery notifyUser(AuthenticatedRequest request, List<Outcome.Audit> audits) {
        User user = request.user();
        List<String> to = user.verifiedEmails();
        TokenNotifier.Delivery delivery = TokenNotifier.Delivery.NONE;
        if (to.isEmpty()) {
            return delivery;
        }
        for (Outcome.Audit audit : audits) {
            TokenNotice notice = new TokenNotice(user.username(), audit.token().name(), audit.change(), request.now(),
                    request.client().sourceIp(), request.client().userAgent());
            try {
                delivery = delivery.plus(notifier.notify(to, notice));
            } catch (RuntimeException e) {
                // A bug in a notice must not turn a stored token into a 503 the client would retry.
                delivery = delivery.plus(new TokenNotifier.Delivery(0, to.size(), e.getClass().getSimpleName()));
            }
        }
        return delivery;
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
