package dev.rcpat.auth;

import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.User;

import java.time.Duration;
import java.util.Optional;

/**
 * Finds which of the user's stored tokens a presented one is. Every stored hash is compared, in
 * constant time, so the answer time does not depend on where (or whether) the match is.
 */
public final class Authenticator {

    private final long loginExpirationMillis;

    public Authenticator(long loginExpirationDays) {
        this.loginExpirationMillis = Duration.ofDays(loginExpirationDays).toMillis();
    }

    /** The token the request authenticated with, or {@link Refusal#notLoggedIn()}. */
    public StoredToken authenticate(Optional<User> maybeUser, String presentedToken, long now) throws Refusal {
        if (presentedToken == null) {
            throw Refusal.notLoggedIn();
        }
        return find(maybeUser, Secrets.hashToken(presentedToken), now);
    }

    /** After a re-read: the same token if it still authenticates the user, else {@link Refusal#notLoggedIn()}. */
    public StoredToken stillValid(Optional<User> fresh, StoredToken used, long now) throws Refusal {
        return find(fresh, used.hashedToken(), now);
    }

    private StoredToken find(Optional<User> maybeUser, String hash, long now) throws Refusal {
        if (maybeUser.isEmpty() || !maybeUser.get().active()) {
            throw Refusal.notLoggedIn();
        }
        User user = maybeUser.get();
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
            throw Refusal.notLoggedIn();
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
