package dev.rcpat.domain;

import java.util.List;
import java.util.Map;

/**
 * The parts of a Rocket.Chat user that authentication, permissions, two-factor and login need.
 * {@code personalAccessTokens} is keyed by token name, {@code loginTokens} by hashed token;
 * {@code loginAttempts} blocks guessing at login, {@code passwordAttempts} through the password fallback.
 */
public record User(
        String id,
        String username,
        boolean active,
        List<String> roles,
        List<EmailAddress> emails,
        String passwordBcrypt,
        Map<String, StoredToken> loginTokens,
        Map<String, StoredToken> personalAccessTokens,
        TotpState totp,
        boolean email2faEnabled,
        EmailCode emailCode,
        String name,
        LoginAttempts loginAttempts,
        PasswordAttempts passwordAttempts) {

    /** Rocket.Chat's cap is none; ours keeps every user item far below DynamoDB's 400 KB. */
    public static final int MAX_PERSONAL_ACCESS_TOKENS = 100;

    /** Rocket.Chat keeps at most this many login tokens per user, pruning the oldest at login; PATs are never pruned. */
    public static final int MAX_LOGIN_TOKENS = 50;

    /** A user without a display name, with no failed login nor wrong password digest counted. */
    public User(String id, String username, boolean active, List<String> roles, List<EmailAddress> emails,
                String passwordBcrypt, Map<String, StoredToken> loginTokens, Map<String, StoredToken> personalAccessTokens,
                TotpState totp, boolean email2faEnabled, EmailCode emailCode) {
        this(id, username, active, roles, emails, passwordBcrypt, loginTokens, personalAccessTokens, totp,
                email2faEnabled, emailCode, null, LoginAttempts.NONE, PasswordAttempts.NONE);
    }

    public User {
        roles = roles == null ? List.of() : List.copyOf(roles);
        emails = emails == null ? List.of() : List.copyOf(emails);
        loginTokens = loginTokens == null ? Map.of() : Map.copyOf(loginTokens);
        personalAccessTokens = personalAccessTokens == null ? Map.of() : Map.copyOf(personalAccessTokens);
        loginAttempts = loginAttempts == null ? LoginAttempts.NONE : loginAttempts;
        passwordAttempts = passwordAttempts == null ? PasswordAttempts.NONE : passwordAttempts;
    }

    public List<String> verifiedEmails() {
        return emails.stream().filter(EmailAddress::verified).map(EmailAddress::address).toList();
    }

    public boolean hasAnyRole(List<String> wanted) {
        for (String role : roles) {
            if (wanted.contains(role)) {
                return true;
            }
        }
        return false;
    }
}
