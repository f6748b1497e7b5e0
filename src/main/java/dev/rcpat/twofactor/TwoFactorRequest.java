package dev.rcpat.twofactor;

import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.User;

/**
 * What the two-factor check judges: the user, the token the request is made with, the code and
 * method the client gave (null when absent), the time, and the client's fingerprint ("remember").
 */
public record TwoFactorRequest(User user, StoredToken token, String code, String method, long now,
                               String clientFingerprint) { }
