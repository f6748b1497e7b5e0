package dev.rcpat.auth;

import dev.rcpat.api.ApiError;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.User;

import java.time.Duration;
import java.util.Optional;

/**
 * Step 1 of the pipeline: finds which of the user's stored tokens the presented one is.
 * Every stored hash is compared, in constant time, so the answer time does not depend on
 * where (or whether) the match is.
 */
public final class Authenticator {

    private final long loginExpirationMillis;

    public Authenticator(long loginExpirationDays) {
        this.loginExpirationMillis = Duration.ofDays(loginExpirationDays).toMillis();
    }

    /** The token the request authenticated with, or 401. */
    public StoredToken authenticate(Optional<User> maybeUser, String presentedToken, long now) throws ApiError {
        if (maybeUser.isEmpty() || presentedToken == null || !maybeUser.get().active()) {
            throw ApiError.unauthorized();
        }
        User user = maybeUser.get();
        String hash = Secrets.hashToken(presentedToken);
        StoredToken match = null;
        for (StoredToken t : user.loginTokens().values()) {
            if (Secrets.constantTimeEquals(hash, t.hashedToken())) {
                match = t;
            }
        }
        for (StoredToken t : user.personalAccessTokens().values()) {
            if (Secrets.constantTimeEquals(hash, t.hashedToken())) {
                match = t;
            }
        }
        if (match == null || isExpired(match, now)) {
            throw ApiError.unauthorized();
        }
        return match;
    }

    private boolean isExpired(StoredToken token, long now) {
        if (token.isPersonalAccessToken()) {
            return token.expiresAt() != null && now >= token.expiresAt();
        }
        return now >= token.createdAt() + loginExpirationMillis;
    }
}
