package dev.rcpat.twofactor;

import dev.rcpat.config.Settings;
import dev.rcpat.domain.Dependency;
import dev.rcpat.domain.EmailCode;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.User;
import dev.rcpat.mail.CodeMailer;
import dev.rcpat.mail.MailUnavailableException;
import dev.rcpat.store.ConditionFailedException;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.store.UserStore;
import dev.rcpat.store.UserWrite;

import java.util.List;

/**
 * Email codes (docs/compatibility.md, "Email codes"). Without a code: keeps a usable code, or
 * reserves a fresh one with a conditional write and only then mails it, so that of concurrent
 * requests exactly one mails a code, and the code mailed is the one stored; a failed send
 * withdraws the reservation. With a code: a right one is spent in the endpoint's own conditional
 * write; a wrong one is counted, and the count reaching {@code EMAIL_CODE_MAX_ATTEMPTS} answers
 * {@code totp-max-attempts}.
 */
public final class EmailCheck {

    private final Settings settings;
    private final UserStore store;
    private final CodeMailer mailer;
    private final EmailCodes codes;

    public EmailCheck(Settings settings, UserStore store, CodeMailer mailer, EmailCodes codes) {
        this.settings = settings;
        this.store = store;
        this.mailer = mailer;
        this.codes = codes;
    }

    static Challenge challenge(User user, List<String> availableMethods) {
        List<String> verified = user.verifiedEmails();
        String emailOrUsername = user.username() != null ? user.username()
                : verified.isEmpty() ? null : verified.get(0);
        return new Challenge(Method.EMAIL, false, emailOrUsername, null, availableMethods);
    }

    List<UserWrite.Op> verify(User user, String code, long now, Challenge challenge)
            throws Refusal, StoreUnavailableException {
        boolean enabled = MethodSelection.emailEnabled(user, settings);
        EmailCode stored = user.emailCode();
        boolean unexpired = stored != null && stored.expiresAt() > now;
        boolean attemptsLeft = stored != null && stored.attempts() < settings.emailCodeMaxAttempts();
        if (code == null) {
            if (!enabled) {
                throw challenge.required();
            }
            if (unexpired && attemptsLeft) {
                throw challenge.expiring(stored.expiresAt()).required();
            }
            throw sendFreshCode(user, now, stored, challenge);
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
            after = store.applyAndReturn(new UserWrite(user.id())
                    .add(new UserWrite.CountFailedEmailCode(stored.hash()))).emailCode();
        } catch (ConditionFailedException e) {
            throw challenge.invalid(); // the code was spent or replaced meanwhile
        }
        if (after != null && after.attempts() >= settings.emailCodeMaxAttempts()) {
            throw challenge.maxAttempts();
        }
        throw challenge.expiring(stored.expiresAt()).invalid();
    }

    /**
     * Mails a fresh code to a user with email two-factor on (the "send the code again" of a login
     * form); does nothing for anyone else.
     */
    public void mailFreshCode(User user, long now) throws Refusal, StoreUnavailableException {
        if (MethodSelection.emailEnabled(user, settings)) {
            sendFreshCode(user, now, user.emailCode(), challenge(user, List.of()));
        }
    }

    /**
     * Reserves a new code in place of {@code previous}, then mails it to every verified address.
     * Returns the challenge to answer: {@code codeGenerated} true when this request sent the
     * mail, false when a concurrent request reserved (and mails) its own code first.
     */
    private Refusal sendFreshCode(User user, long now, EmailCode previous, Challenge challenge)
            throws Refusal, StoreUnavailableException {
        String code = codes.newCode();
        EmailCode record = new EmailCode(EmailCodes.hash(code), now + settings.emailCodeExpirationSeconds() * 1000, 0);
        try {
            store.apply(new UserWrite(user.id())
                    .add(new UserWrite.StoreEmailCode(record, previous == null ? null : previous.hash())));
        } catch (ConditionFailedException e) {
            return challenge.required();
        }
        List<String> to = user.verifiedEmails();
        try {
            mailer.sendCode(to, user.username() != null ? user.username() : to.get(0), code);
        } catch (MailUnavailableException e) {
            withdraw(user.id(), record);
            throw Refusal.unavailable("The email service is unavailable, try again later", Dependency.SES, e.getCause());
        }
        return challenge.generated().required();
    }

    /** Best effort: a code whose mail failed must not look usable; if this write fails too, it expires unused. */
    private void withdraw(String userId, EmailCode record) {
        try {
            store.apply(new UserWrite(userId).add(new UserWrite.WithdrawEmailCode(record.hash())));
        } catch (ConditionFailedException | StoreUnavailableException e) {
            // replaced meanwhile, or the store is down as well
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
