package dev.rcpat.twofactor;

import dev.rcpat.api.ApiError;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.EmailCode;
import dev.rcpat.domain.User;
import dev.rcpat.mail.CodeMailer;
import dev.rcpat.mail.MailUnavailableException;
import dev.rcpat.pipeline.Call;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserWrite;

import java.util.List;

/**
 * Email codes (spec section 6). Without a code: keeps a usable code, or mails a fresh one and
 * only then stores its hash (a failed send leaves nothing stored). With a code: a right one is
 * spent in the endpoint's own conditional write; a wrong one is counted, and the count reaching
 * {@code EMAIL_CODE_MAX_ATTEMPTS} answers {@code totp-max-attempts}.
 */
final class EmailCheck {

    private final Settings settings;
    private final CodeMailer mailer;
    private final EmailCodes codes;

    EmailCheck(Settings settings, CodeMailer mailer, EmailCodes codes) {
        this.settings = settings;
        this.mailer = mailer;
        this.codes = codes;
    }

    static Challenge challenge(User user, List<String> availableMethods) {
        List<String> verified = user.verifiedEmails();
        String emailOrUsername = user.username() != null ? user.username()
                : verified.isEmpty() ? null : verified.get(0);
        return new Challenge(Method.EMAIL, false, emailOrUsername, null, availableMethods);
    }

    List<UserWrite.Op> verify(Call call, String code, Challenge challenge) throws ApiError, StoreUnavailableException {
        User user = call.user();
        boolean enabled = MethodSelection.emailEnabled(user, settings);
        EmailCode stored = user.emailCode();
        boolean unexpired = stored != null && stored.expiresAt() > call.now();
        boolean attemptsLeft = stored != null && stored.attempts() < settings.emailCodeMaxAttempts();
        if (code == null) {
            if (!enabled) {
                throw challenge.required();
            }
            if (unexpired && attemptsLeft) {
                throw challenge.expiring(stored.expiresAt()).required();
            }
            sendFreshCode(call, stored);
            throw challenge.generated().required();
        }
        if (!enabled || !unexpired) {
            throw challenge.invalid();
        }
        if (!attemptsLeft) {
            throw challenge.maxAttempts();
        }
        if (EmailCodes.matches(code, stored.hash())) {
            return List.of(new UserWrite.SpendEmailCode(stored.hash(), settings.emailCodeMaxAttempts()));
        }
        EmailCode after;
        try {
            after = call.store().applyAndReturn(new UserWrite(user.id())
                    .add(new UserWrite.CountFailedEmailCode(stored.hash()))).emailCode();
        } catch (ConditionFailedException e) {
            throw challenge.invalid(); // the code was spent or replaced meanwhile
        }
        if (after != null && after.attempts() >= settings.emailCodeMaxAttempts()) {
            throw challenge.maxAttempts();
        }
        throw challenge.expiring(stored.expiresAt()).invalid();
    }

    /** Mails a new code to every verified address, then stores it in place of {@code previous}. */
    private void sendFreshCode(Call call, EmailCode previous) throws ApiError, StoreUnavailableException {
        User user = call.user();
        String code = codes.newCode();
        EmailCode record = new EmailCode(EmailCodes.hash(code), call.now() + settings.emailCodeExpirationSeconds() * 1000, 0);
        List<String> to = user.verifiedEmails();
        try {
            mailer.sendCode(to, user.username() != null ? user.username() : to.get(0), code);
        } catch (MailUnavailableException e) {
            throw ApiError.serviceUnavailable("The email service is unavailable, try again later", e.getCause());
        }
        try {
            call.store().apply(new UserWrite(user.id())
                    .add(new UserWrite.StoreEmailCode(record, previous == null ? null : previous.hash())));
        } catch (ConditionFailedException e) {
            // A concurrent request stored (and mailed) its own code first; that one is the active
            // code, and the user has it too. Overwriting it would invalidate a mail already sent.
        }
    }

    /** Whether concurrent wrong codes used up the attempts of the email code this pass spends. */
    static boolean attemptsUsedUpMeanwhile(UserWrite.Op op, User fresh) {
        return op instanceof UserWrite.SpendEmailCode spend && fresh.emailCode() != null
                && spend.hash().equals(fresh.emailCode().hash()) && fresh.emailCode().attempts() >= spend.maxAttempts();
    }

    /** Whether the email code this pass spends was spent or replaced by a concurrent request. */
    static boolean spentMeanwhile(UserWrite.Op op, User fresh) {
        return op instanceof UserWrite.SpendEmailCode spend
                && (fresh.emailCode() == null || !spend.hash().equals(fresh.emailCode().hash()));
    }
}
