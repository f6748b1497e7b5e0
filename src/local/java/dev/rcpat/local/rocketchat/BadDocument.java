package dev.rcpat.local.rocketchat;

/**
 * Why one exported document cannot be imported, told in words an operator can act on. The
 * message names fields, never their values: a value may be a hash or a TOTP secret.
 */
final class BadDocument extends Exception {

    BadDocument(String message) {
        super(message, null, false, false);
    }
}
