package dev.rcpat.twofactor;

import dev.rcpat.api.ApiError;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.User;
import dev.rcpat.mail.CodeMailer;
import dev.rcpat.pipeline.Call;
import dev.rcpat.pipeline.TwoFactorGate;
import dev.rcpat.pipeline.TwoFactorPass;
import dev.rcpat.store.StoreUnavailableException;

import java.util.Optional;

/**
 * The two-factor check of spec section 5, shared by every endpoint that requires it.
 * (Issue 3 completes the methods; until then a user with any method is refused.)
 */
public final class TwoFactorCheck implements TwoFactorGate {

    private final Settings settings;
    private final CodeMailer mailer;

    public TwoFactorCheck(Settings settings, CodeMailer mailer) {
        this.settings = settings;
        this.mailer = mailer;
    }

    @Override
    public TwoFactorPass verify(Call call) throws ApiError, StoreUnavailableException {
        if (!settings.twoFactorEnabled()) {
            return TwoFactorPass.withoutCode("disabled");
        }
        if (call.token().bypassTwoFactor()) {
            return TwoFactorPass.withoutCode("bypass");
        }
        User user = call.user();
        boolean totp = settings.totpEnabled() && user.totp() != null && user.totp().enabled();
        boolean email = settings.email2faEnabled() && user.email2faEnabled() && !user.verifiedEmails().isEmpty();
        boolean password = settings.passwordFallbackEnabled() && user.passwordBcrypt() != null;
        if (!totp && !email && !password) {
            return TwoFactorPass.withoutCode("no-method");
        }
        throw ApiError.serviceUnavailable("Two-factor methods are not available yet");
    }

    @Override
    public Optional<ApiError> explainConflict(TwoFactorPass pass, User fresh, Call call) {
        return Optional.empty();
    }
}
