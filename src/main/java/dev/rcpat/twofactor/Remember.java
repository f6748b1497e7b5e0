package dev.rcpat.twofactor;

import dev.rcpat.auth.Secrets;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.pipeline.Call;
import dev.rcpat.store.UserWrite;

import java.util.Optional;

/**
 * "Remember" (spec section 5, steps 3 and 9): after a second factor, the token used may skip the
 * check for RememberFor seconds, from the same client (user agent and IP). RememberFor 0 turns it
 * off both ways: nothing is remembered and earlier marks are not honoured.
 */
final class Remember {

    private final Settings settings;

    Remember(Settings settings) {
        this.settings = settings;
    }

    boolean isRemembered(Call call) {
        if (settings.rememberForSeconds() <= 0) {
            return false;
        }
        StoredToken token = call.token();
        Long until = token.twoFactorAuthorizedUntil();
        return until != null && until > call.now()
                && Secrets.constantTimeEquals(token.twoFactorAuthorizedHash(), call.clientFingerprint());
    }

    Optional<UserWrite.Op> afterSuccess(Call call) {
        if (settings.rememberForSeconds() <= 0) {
            return Optional.empty();
        }
        return Optional.of(new UserWrite.RememberTwoFactor(call.token(),
                call.now() + settings.rememberForSeconds() * 1000, call.clientFingerprint()));
    }
}
