package dev.rcpat.twofactor;

import dev.rcpat.api.ApiError;
import dev.rcpat.auth.RandomSource;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.User;
import dev.rcpat.mail.CodeMailer;
import dev.rcpat.pipeline.Call;
import dev.rcpat.pipeline.TwoFactorGate;
import dev.rcpat.pipeline.TwoFactorPass;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserWrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The two-factor check of spec section 5, shared by every endpoint that requires it: global
 * switch, bypass tokens, "remember", method selection, then the chosen method's verification.
 * What a success must write (the spent code or step, the remember mark) is handed to the endpoint
 * to write atomically with its own change; what a failure must record is written before the
 * challenge is answered.
 */
public final class TwoFactorCheck implements TwoFactorGate {

    public static final String CODE_HEADER = "x-2fa-code";
    public static final String METHOD_HEADER = "x-2fa-method";

    private final Settings settings;
    private final Remember remember;
    private final TotpCheck totp;
    private final EmailCheck email;

    public TwoFactorCheck(Settings settings, CodeMailer mailer, RandomSource random) {
        this.settings = settings;
        this.remember = new Remember(settings);
        this.totp = new TotpCheck(settings);
        this.email = new EmailCheck(settings, mailer, new EmailCodes(random));
    }

    @Override
    public TwoFactorPass verify(Call call) throws ApiError, StoreUnavailableException {
        if (!settings.twoFactorEnabled()) {
            return TwoFactorPass.withoutCode("disabled");
        }
        if (call.token().bypassTwoFactor()) {
            return TwoFactorPass.withoutCode("bypass");
        }
        if (remember.isRemembered(call)) {
            return TwoFactorPass.withoutCode("remembered");
        }
        User user = call.user();
        MethodSelection.Selection selection =
                MethodSelection.select(user, settings, call.request().header(METHOD_HEADER));
        if (selection.method().isEmpty()) {
            return TwoFactorPass.withoutCode("no-method");
        }
        Method method = selection.method().get();
        String code = call.request().header(CODE_HEADER);
        List<UserWrite.Op> ops = new ArrayList<>(switch (method) {
            case TOTP -> totp.verify(call, code, Challenge.of(Method.TOTP, selection.availableMethods()));
            case EMAIL -> email.verify(call, code, EmailCheck.challenge(user, selection.availableMethods()));
            case PASSWORD -> verifyPassword(call, code, Challenge.of(Method.PASSWORD, selection.availableMethods()));
        });
        remember.afterSuccess(call).ifPresent(ops::add);
        return new TwoFactorPass(method.wireName(), ops);
    }

    private static List<UserWrite.Op> verifyPassword(Call call, String code, Challenge challenge) throws ApiError {
        if (code == null) {
            throw challenge.required();
        }
        if (!PasswordCheck.matches(code.strip(), call.user().passwordBcrypt())) {
            throw challenge.invalid();
        }
        return List.of();
    }

    @Override
    public Optional<ApiError> explainConflict(TwoFactorPass pass, User fresh, Call call) {
        List<String> available = MethodSelection.availableMethods(fresh, settings);
        for (UserWrite.Op op : pass.ops()) {
            if (EmailCheck.attemptsUsedUpMeanwhile(op, fresh)) {
                return Optional.of(EmailCheck.challenge(fresh, available).maxAttempts());
            }
            if (TotpCheck.limitReachedMeanwhile(op, fresh)) {
                return Optional.of(Challenge.of(Method.TOTP, available).maxAttempts());
            }
            if (EmailCheck.spentMeanwhile(op, fresh)) {
                return Optional.of(EmailCheck.challenge(fresh, available).invalid());
            }
            if (TotpCheck.spentMeanwhile(op, fresh)) {
                return Optional.of(Challenge.of(Method.TOTP, available).invalid());
            }
        }
        return Optional.empty();
    }
}
