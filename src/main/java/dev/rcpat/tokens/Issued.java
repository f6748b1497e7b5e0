package dev.rcpat.tokens;

import dev.rcpat.auth.Secrets;
import dev.rcpat.domain.LastTokenPart;
import dev.rcpat.domain.StoredToken;

/** A new personal access token: the plaintext (answered once, never stored) and the record holding only its hash. */
record Issued(String token, StoredToken record) {

    static Issued issue(TokenGenerator generator, String name, long now, boolean bypassTwoFactor, Long expiresAt) {
        String token = generator.newToken();
        return new Issued(token, StoredToken.personalAccessToken(name, Secrets.hashToken(token), now,
                LastTokenPart.of(token), bypassTwoFactor, expiresAt));
    }
}
