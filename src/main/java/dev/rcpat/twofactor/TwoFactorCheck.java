package dev.rcpat.twofactor;

import dev.rcpat.config.Settings;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.User;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserStore;
import dev.rcpat.store.UserWrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The two-factor check (docs/compatibility.md, "Two-factor"), shared by every endpoint that
 * requires it: global switch, bypass tokens, "remember", method selection, then the chosen
 * method's verification. What a success must write (the spent code or step, the remember mark) is
 * handed back to be written atomically with the endpoint's own change; what a failure must record
 * is written before the challenge is answered.
 */
public final class TwoFactorCheck {

    private final Settings settings;
    private final Remember remember;
    private final TotpCheck totp;
    private final EmailCheck email;
    private final PasswordCheck password;

    public TwoFactorCheck(Settings settings, UserStore store, TotpCheck totp, EmailCheck email) {
        this.settings = settings;
        this.remember = new Remember(settings);
        this.totp = totp;
        this.email = email;
        this.password = new PasswordCheck(settings, store);
    }

    public TwoFactorPass verify(TwoFactorRequest request) throws Refusal, StoreUnavailableException {
        if (!settings.twoFactorEnabled()) {
            return TwoFactorPass.withoutCode("disabled");
        }
        if (request.token().bypassTwoFactor()) {
            return TwoFactorPass.withoutCode("bypass");
        }
        if (remember.isRemembered(request)) {
            return TwoFactorPass.withoutCode("remembered");
        }
        User user = request.user();
        MethodSelection.Selection selection = MethodSelection.select(user, settings, request.method());
        if (selection.method().isEmpty()) {
            return TwoFactorPass.withoutCode("no-method");
        }
        Method method = selection.method().get();
        String code = request.code();
        long now = request.now();
        List<UserWrite.Op> ops = new ArrayList<>(switch (method) {
            case TOTP -> totp.verify(user, code, now, Challenge.of(Method.TOTP, selection.availableMethods()));
            case EMAIL -> email.verify(user, code, now, EmailCheck.challenge(user, selection.availableMethods()));
            case PASSWORD -> password.verify(user, code, now, Challenge.of(Method.PASSWORD, selection.availableMethods()));
        });
        remember.afterSuccess(request).ifPresent(ops::add);
        return new TwoFactorPass(method.wireName(), ops);
    }

    /**
     * The second factor of a login (Rocket.Chat's login handler): TOTP if the user has it, else
     * email; no password fallback, no bypass and no "remember", since no token is used yet. The
     * refusals are the token endpoints' ones; the login answers them in its own envelope.
     */
    public TwoFactorPass verifyAtLogin(User user, String code, long now) throws Refusal, StoreUnavailableException {
        if (!settings.twoFactorEnabled()) {
            return TwoFactorPass.withoutCode("disabled");
        }
        List<String> available = MethodSelection.availableMethods(user, settings);
        if (MethodSelection.totpEnabled(user, settings)) {
            return new TwoFactorPass(Method.TOTP.wireName(),
                    totp.verify(user, code, now, Challenge.of(Method.TOTP, available)));
        }
        if (MethodSelection.emailEnabled(user, settings)) {
            return new TwoFactorPass(Method.EMAIL.wireName(),
                    email.verify(user, code, now, EmailCheck.challenge(user, available)));
        }
        return TwoFactorPass.withoutCode("no-method");
    }

    /**
     * After the write carrying {@code pass} was rejected and the user re-read: the challenge to
     * answer if the second factor was spent or locked by a concurrent request, else empty.
     */
    public Optional<Refusal> explainConflict(TwoFactorPass pass, User fresh) {
        List<String> available = MethodSelection.availableMethods(fresh, settings);
        for (UserWrite.Op op : pass.ops()) {
            if (EmailCheck.attemptsUsedUpMeanwhile(op, fresh)) {
                return Optional.of(EmailCheck.challenge(fresh, available).maxAttempts());
            }
            if (TotpCheck.limitReachedMeanwhile(op, fresh)) {
                return Optional.of(Challenge.of(Method.TOTP, available).maxAttempts());
            }
            if (PasswordCheck.limitReachedMeanwhile(op, fresh)) {
                return Optional.of(Challenge.of(Method.PASSWORD, available).maxAttempts());
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
