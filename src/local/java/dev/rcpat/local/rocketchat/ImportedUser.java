package dev.rcpat.local.rocketchat;

import dev.rcpat.domain.EmailAddress;
import dev.rcpat.domain.StoredToken;

import java.util.ArrayList;
import java.util.List;

/**
 * What one Rocket.Chat {@code users} document brings: the fields this service keeps, in its own
 * formats. {@code totpSecret} is null for a user without TOTP. {@code loginTokens} holds only the
 * unexpired login tokens, newest first, at most {@link dev.rcpat.domain.User#MAX_LOGIN_TOKENS};
 * {@code leftOut} counts the others.
 */
record ImportedUser(
        Location at,
        String id,
        String username,
        String name,
        boolean active,
        List<String> roles,
        List<EmailAddress> emails,
        String passwordBcrypt,
        String totpSecret,
        List<String> totpHashedBackup,
        boolean email2faEnabled,
        List<StoredToken> loginTokens,
        List<StoredToken> personalAccessTokens,
        LeftOut leftOut) {

    /** Login tokens of the document that are not carried, and why. */
    record LeftOut(int expiredLoginTokens, int loginTokensOverLimit) { }

    ImportedUser {
        roles = List.copyOf(roles);
        emails = List.copyOf(emails);
        totpHashedBackup = List.copyOf(totpHashedBackup);
        loginTokens = List.copyOf(loginTokens);
        personalAccessTokens = List.copyOf(personalAccessTokens);
    }

    boolean hasTotp() {
        return totpSecret != null;
    }

    /** Every value of the document that must never be shown: hashes and the TOTP secret. */
    List<String> secrets() {
        List<String> secrets = new ArrayList<>(totpHashedBackup);
        if (passwordBcrypt != null) {
            secrets.add(passwordBcrypt);
        }
        if (totpSecret != null) {
            secrets.add(totpSecret);
        }
        loginTokens.forEach(t -> secrets.add(t.hashedToken()));
        personalAccessTokens.forEach(t -> secrets.add(t.hashedToken()));
        return secrets;
    }
}
