package dev.rcpat.twofactor;

import dev.rcpat.auth.Secrets;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.store.UserWrite;

import java.util.Optional;

/**
 * "Remember": after a second factor, the token used may skip the check for RememberFor seconds,
 * from the same client (user agent and IP). RememberFor 0 turns it off both ways: nothing is
 * remembered and earlier marks are not honoured.
 */
final class Remember {

    private final Settings settings;

    Remember(Settings settings) {
        this.settings = settings;
    }

    boolean isRemembered(TwoFactorRequest request) {
        if (settings.rememberForSeconds() <= 0) {
            return false;
        }
        StoredToken token = request.token();
        Long until = token.twoFactorAuthorizedUntil();
        return until != null && until > request.now()
                && Secrets.constantTimeEquals(token.twoFactorAuthorizedHash(), request.clientFingerprint());
    }

    Optional<UserWrite.Op> afterSuccess(TwoFactorRequest request) {
        if (settings.rememberForSeconds() <= 0) {
            return Optional.empty();
        }
        return Optional.of(new UserWrite.RememberTwoFactor(request.token(),
                request.now() + settings.rememberForSeconds() * 1000, request.clientFingerprint()));
    }
}
