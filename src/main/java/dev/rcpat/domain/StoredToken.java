package dev.rcpat.domain;

/**
 * A token record as stored on the user: a login token (keyed by its hash, expires after the
 * login expiration) or a personal access token (keyed by its unique name, never expires unless
 * {@code expiresAt} is set). Only the hash of the secret is ever held.
 *
 * <p>Times are epoch milliseconds; {@code null} means "not set".
 */
public record StoredToken(
        Kind kind,
        String hashedToken,
        String name,
        long createdAt,
        String lastTokenPart,
        boolean bypassTwoFactor,
        Long expiresAt,
        Long lastUsedAt,
        Long twoFactorAuthorizedUntil,
        String twoFactorAuthorizedHash) {

    public enum Kind { LOGIN, PERSONAL_ACCESS }

    /** The value Rocket.Chat stores in {@code type} for personal access tokens. */
    public static final String PERSONAL_ACCESS_TOKEN_TYPE = "personalAccessToken";

    public static StoredToken loginToken(String hashedToken, long when) {
        return new StoredToken(Kind.LOGIN, hashedToken, null, when, null, false, null, null, null, null);
    }

    public static StoredToken personalAccessToken(String name, String hashedToken, long createdAt,
                                                  String lastTokenPart, boolean bypassTwoFactor, Long expiresAt) {
        return new StoredToken(Kind.PERSONAL_ACCESS, hashedToken, name, createdAt, lastTokenPart,
                bypassTwoFactor, expiresAt, null, null, null);
    }

    public boolean isPersonalAccessToken() {
        return kind == Kind.PERSONAL_ACCESS;
    }

    /** How a write addresses this record: PATs by name, login tokens by hash. */
    public String key() {
        return isPersonalAccessToken() ? name : hashedToken;
    }
}
