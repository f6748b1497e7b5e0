package dev.rcpat.mail;

import java.util.List;

/** Sends a two-factor email code. */
public interface CodeMailer {

    /**
     * Sends {@code code} to every address in {@code to}.
     *
     * @throws MailUnavailableException when the mail service refused or failed; nothing may be
     *         assumed delivered
     */
    void sendCode(List<String> to, String username, String code) throws MailUnavailableException;
}
