package dev.rcpat.tokens;

import dev.rcpat.api.ApiError;
import dev.rcpat.auth.Secrets;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.User;
import dev.rcpat.pipeline.Call;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserWrite;

/** What the token endpoints that write share: minting a token, the conditional write, the audit line. */
final class TokenWrites {

    /** A new token: the plaintext (answered once) and the record that holds only its hash. */
    record Issued(String token, StoredToken record) { }

    /** Says which rule a rejected write broke, by throwing its error, given the user as re-read. */
    @FunctionalInterface
    interface ConflictExplanation {
        void explain(User fresh) throws ApiError;
    }

    private TokenWrites() { }

    static Issued issue(TokenGenerator generator, String name, long now, boolean bypassTwoFactor, Long expiresAt) {
        String token = generator.newToken();
        StoredToken record = StoredToken.personalAccessToken(name, Secrets.hashToken(token), now,
                token.substring(token.length() - 6), bypassTwoFactor, expiresAt);
        return new Issued(token, record);
    }

    /**
     * Applies the write; if a concurrent change broke its condition, re-reads the user and answers
     * what changed ({@link Call#reloadAfterConflict()} first: 401 or the two-factor challenge), else
     * {@code explanation}'s error, else 409.
     */
    static void apply(Call call, UserWrite write, ConflictExplanation explanation)
            throws ApiError, StoreUnavailableException {
        try {
            call.store().apply(write);
        } catch (ConditionFailedException e) {
            explanation.explain(call.reloadAfterConflict());
            throw Call.unexplainedConflict();
        }
    }

    /** The audit line of a token {@code action} (created, regenerated, removed); never the token. */
    static void audit(Call call, String action, StoredToken record) {
        call.log().audit(action, call.user().id(), record.name(), record.lastTokenPart(),
                call.request().sourceIp(), call.request().userAgent(), call.request().requestId());
    }
}
