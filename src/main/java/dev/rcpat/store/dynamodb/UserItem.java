package dev.rcpat.store.dynamodb;

import dev.rcpat.domain.EmailAddress;
import dev.rcpat.domain.EmailCode;
import dev.rcpat.domain.LoginAttempts;
import dev.rcpat.domain.PasswordAttempts;
import dev.rcpat.domain.StoredToken;
import dev.rcpat.domain.TotpState;
import dev.rcpat.domain.User;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DynamoDB mapping of a user item and of a permission item: attribute names and the
 * conversion between items and domain records. docs/data-model.md describes the same layout.
 */
public final class UserItem {

    public static final String ID = "_id";
    public static final String USERNAME = "username";
    public static final String ACTIVE = "active";
    public static final String ROLES = "roles";
    public static final String EMAILS = "emails";
    public static final String ADDRESS = "address";
    public static final String VERIFIED = "verified";
    public static final String PASSWORD_BCRYPT = "passwordBcrypt";
    public static final String LOGIN_TOKENS = "loginTokens";
    public static final String PERSONAL_ACCESS_TOKENS = "personalAccessTokens";
    public static final String TOTP = "totp";
    public static final String EMAIL_2FA = "email2fa";
    public static final String EMAIL_CODE = "emailCode";
    public static final String LOGIN_FAILURES = "loginFailures";
    public static final String LOGIN_BLOCKED_UNTIL = "loginBlockedUntil";
    public static final String PASSWORD_FAILED_ATTEMPTS = "passwordFailedAttempts";
    public static final String PASSWORD_LOCKED_UNTIL = "passwordLockedUntil";

    // Token record attributes
    public static final String HASHED_TOKEN = "hashedToken";
    public static final String TYPE = "type";
    public static final String NAME = "name";
    public static final String WHEN = "when";
    public static final String CREATED_AT = "createdAt";
    public static final String LAST_TOKEN_PART = "lastTokenPart";
    public static final String BYPASS_TWO_FACTOR = "bypassTwoFactor";
    public static final String EXPIRES_AT = "expiresAt";
    public static final String LAST_USED_AT = "lastUsedAt";
    public static final String TWO_FACTOR_AUTHORIZED_UNTIL = "twoFactorAuthorizedUntil";
    public static final String TWO_FACTOR_AUTHORIZED_HASH = "twoFactorAuthorizedHash";

    // totp / email2fa / emailCode attributes
    public static final String ENABLED = "enabled";
    public static final String SECRET = "secret";
    public static final String HASHED_BACKUP = "hashedBackup";
    public static final String LAST_USED_STEP = "lastUsedStep";
    public static final String FAILED_ATTEMPTS = "failedAttempts";
    public static final String LOCKED_UNTIL = "lockedUntil";
    public static final String CODE_HASH = "hash";
    public static final String EXPIRE = "expire";
    public static final String ATTEMPTS = "attempts";

    /** Permission items: {@code _id} (the permission) and {@code roles}. */
    public static final String PERMISSION_ROLES = "roles";

    private UserItem() { }

    public static User toUser(Map<String, AttributeValue> item) {
        return new User(
                s(item, ID),
                s(item, USERNAME),
                bool(item, ACTIVE),
                strings(item.get(ROLES)),
                emails(item.get(EMAILS)),
                s(item, PASSWORD_BCRYPT),
                tokens(item.get(LOGIN_TOKENS), StoredToken.Kind.LOGIN),
                tokens(item.get(PERSONAL_ACCESS_TOKENS), StoredToken.Kind.PERSONAL_ACCESS),
                totp(item.get(TOTP)),
                item.containsKey(EMAIL_2FA) && bool(item.get(EMAIL_2FA).m(), ENABLED),
                emailCode(item.get(EMAIL_CODE)),
                s(item, NAME),
                new LoginAttempts((int) n(item, LOGIN_FAILURES, 0L), nOrNull(item, LOGIN_BLOCKED_UNTIL)),
                new PasswordAttempts((int) n(item, PASSWORD_FAILED_ATTEMPTS, 0L), nOrNull(item, PASSWORD_LOCKED_UNTIL)));
    }

    /** A complete new user item, with the empty token maps that later nested writes need. */
    public static Map<String, AttributeValue> fromUser(User user) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(ID, str(user.id()));
        item.put(USERNAME, str(user.username()));
        if (user.name() != null) {
            item.put(NAME, str(user.name()));
        }
        item.put(ACTIVE, AttributeValue.fromBool(user.active()));
        item.put(ROLES, AttributeValue.fromL(user.roles().stream().map(UserItem::str).toList()));
        item.put(EMAILS, AttributeValue.fromL(user.emails().stream()
                .map(e -> AttributeValue.fromM(Map.of(ADDRESS, str(e.address()), VERIFIED, AttributeValue.fromBool(e.verified()))))
                .toList()));
        if (user.passwordBcrypt() != null) {
            item.put(PASSWORD_BCRYPT, str(user.passwordBcrypt()));
        }
        Map<String, AttributeValue> login = new HashMap<>();
        user.loginTokens().forEach((k, t) -> login.put(k, toItem(t)));
        item.put(LOGIN_TOKENS, AttributeValue.fromM(login));
        Map<String, AttributeValue> pats = new HashMap<>();
        user.personalAccessTokens().forEach((k, t) -> pats.put(k, toItem(t)));
        item.put(PERSONAL_ACCESS_TOKENS, AttributeValue.fromM(pats));
        if (user.totp() != null) {
            item.put(TOTP, toItem(user.totp()));
        }
        item.put(EMAIL_2FA, AttributeValue.fromM(Map.of(ENABLED, AttributeValue.fromBool(user.email2faEnabled()))));
        if (user.emailCode() != null) {
            item.put(EMAIL_CODE, toItem(user.emailCode()));
        }
        if (user.passwordAttempts().failedAttempts() > 0) {
            item.put(PASSWORD_FAILED_ATTEMPTS, num(user.passwordAttempts().failedAttempts()));
        }
        putIfSet(item, PASSWORD_LOCKED_UNTIL, user.passwordAttempts().lockedUntil());
        return item;
    }

    public static AttributeValue toItem(StoredToken t) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        m.put(HASHED_TOKEN, str(t.hashedToken()));
        if (t.isPersonalAccessToken()) {
            m.put(TYPE, str(StoredToken.PERSONAL_ACCESS_TOKEN_TYPE));
            m.put(NAME, str(t.name()));
            m.put(CREATED_AT, num(t.createdAt()));
            m.put(LAST_TOKEN_PART, str(t.lastTokenPart()));
            m.put(BYPASS_TWO_FACTOR, AttributeValue.fromBool(t.bypassTwoFactor()));
            putIfSet(m, EXPIRES_AT, t.expiresAt());
            putIfSet(m, LAST_USED_AT, t.lastUsedAt());
        } else {
            m.put(WHEN, num(t.createdAt()));
        }
        putIfSet(m, TWO_FACTOR_AUTHORIZED_UNTIL, t.twoFactorAuthorizedUntil());
        if (t.twoFactorAuthorizedHash() != null) {
            m.put(TWO_FACTOR_AUTHORIZED_HASH, str(t.twoFactorAuthorizedHash()));
        }
        return AttributeValue.fromM(m);
    }

    public static AttributeValue toItem(TotpState t) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        m.put(ENABLED, AttributeValue.fromBool(t.enabled()));
        m.put(SECRET, str(t.secret()));
        m.put(HASHED_BACKUP, AttributeValue.fromL(t.hashedBackup().stream().map(UserItem::str).toList()));
        putIfSet(m, LAST_USED_STEP, t.lastUsedStep());
        m.put(FAILED_ATTEMPTS, num(t.failedAttempts()));
        putIfSet(m, LOCKED_UNTIL, t.lockedUntil());
        return AttributeValue.fromM(m);
    }

    public static AttributeValue toItem(EmailCode c) {
        return AttributeValue.fromM(Map.of(
                CODE_HASH, str(c.hash()),
                EXPIRE, num(c.expiresAt()),
                ATTEMPTS, num(c.attempts())));
    }

    private static Map<String, StoredToken> tokens(AttributeValue map, StoredToken.Kind kind) {
        Map<String, StoredToken> out = new HashMap<>();
        if (map == null || !map.hasM()) {
            return out;
        }
        map.m().forEach((key, value) -> {
            Map<String, AttributeValue> r = value.m();
            StoredToken token = kind == StoredToken.Kind.PERSONAL_ACCESS
                    ? new StoredToken(kind, s(r, HASHED_TOKEN), key, n(r, CREATED_AT, 0L), s(r, LAST_TOKEN_PART),
                        bool(r, BYPASS_TWO_FACTOR), nOrNull(r, EXPIRES_AT), nOrNull(r, LAST_USED_AT),
                        nOrNull(r, TWO_FACTOR_AUTHORIZED_UNTIL), s(r, TWO_FACTOR_AUTHORIZED_HASH))
                    : new StoredToken(kind, s(r, HASHED_TOKEN), null, n(r, WHEN, 0L), null, false, null, null,
                        nOrNull(r, TWO_FACTOR_AUTHORIZED_UNTIL), s(r, TWO_FACTOR_AUTHORIZED_HASH));
            out.put(key, token);
        });
        return out;
    }

    private static TotpState totp(AttributeValue v) {
        if (v == null || !v.hasM()) {
            return null;
        }
        Map<String, AttributeValue> m = v.m();
        return new TotpState(bool(m, ENABLED), s(m, SECRET), strings(m.get(HASHED_BACKUP)),
                nOrNull(m, LAST_USED_STEP), (int) n(m, FAILED_ATTEMPTS, 0L), nOrNull(m, LOCKED_UNTIL));
    }

    private static EmailCode emailCode(AttributeValue v) {
        if (v == null || !v.hasM()) {
            return null;
        }
        Map<String, AttributeValue> m = v.m();
        return new EmailCode(s(m, CODE_HASH), n(m, EXPIRE, 0L), (int) n(m, ATTEMPTS, 0L));
    }

    private static List<EmailAddress> emails(AttributeValue v) {
        List<EmailAddress> out = new ArrayList<>();
        if (v != null && v.hasL()) {
            for (AttributeValue e : v.l()) {
                out.add(new EmailAddress(s(e.m(), ADDRESS), bool(e.m(), VERIFIED)));
            }
        }
        return out;
    }

    public static List<String> strings(AttributeValue v) {
        if (v == null) {
            return List.of();
        }
        if (v.hasL()) {
            return v.l().stream().map(AttributeValue::s).toList();
        }
        if (v.hasSs()) {
            return List.copyOf(v.ss());
        }
        return List.of();
    }

    private static void putIfSet(Map<String, AttributeValue> m, String key, Long value) {
        if (value != null) {
            m.put(key, num(value));
        }
    }

    static AttributeValue str(String s) {
        return AttributeValue.fromS(s);
    }

    static AttributeValue num(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }

    private static String s(Map<String, AttributeValue> m, String key) {
        AttributeValue v = m.get(key);
        return v == null ? null : v.s();
    }

    private static boolean bool(Map<String, AttributeValue> m, String key) {
        AttributeValue v = m.get(key);
        return v != null && Boolean.TRUE.equals(v.bool());
    }

    private static long n(Map<String, AttributeValue> m, String key, long dflt) {
        Long v = nOrNull(m, key);
        return v == null ? dflt : v;
    }

    private static Long nOrNull(Map<String, AttributeValue> m, String key) {
        AttributeValue v = m.get(key);
        return v == null || v.n() == null ? null : Long.valueOf(v.n());
    }
}
