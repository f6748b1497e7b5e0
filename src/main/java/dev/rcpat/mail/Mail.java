package dev.rcpat.mail;

/**
 * The mail the service sends: two-factor codes and token notices, through one mail service.
 *
 * @param warmUp runs what sending runs without sending anything (SnapStart priming calls it)
 */
public record Mail(CodeMailer codes, TokenNotifier notices, Runnable warmUp) { }
