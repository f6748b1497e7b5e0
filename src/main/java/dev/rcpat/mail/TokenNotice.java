package dev.rcpat.mail;

import dev.rcpat.domain.TokenChange;

/**
 * What a user is told when a personal access token of theirs was created, regenerated or removed:
 * which token, what happened, when, and from which client. Never the token or any part of it.
 *
 * @param username  how the mail greets the user (the username, else the address it goes to)
 * @param at        when the change was written (epoch ms)
 * @param sourceIp  the client's address as API Gateway saw it
 * @param userAgent the client's own description of itself (it chose it: shown as text, never trusted)
 */
public record TokenNotice(String username, String tokenName, TokenChange change, long at, String sourceIp,
                          String userAgent) { }
