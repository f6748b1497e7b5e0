package dev.rcpat.mail;

/** The mail service refused or failed to send. */
public final class MailUnavailableException extends Exception {
    public MailUnavailableException(Throwable cause) {
        super("mail service unavailable: " + cause.getClass().getSimpleName(), cause);
    }
}
