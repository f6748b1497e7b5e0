package dev.rcpat.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every setting the functions read, from environment variables, with Rocket.Chat's defaults
 * (README, "Settings"). An invalid value stops the function at init with a message naming
 * the variable, rather than failing later on a request.
 */
public record Settings(
        String usersTable,
        String permissionsTable,
        String lookupsTable,
        String rateLimitTable,
        boolean twoFactorEnabled,
        boolean totpEnabled,
        int totpMaxDelta,
        int totpMaxAttempts,
        long totpLockSeconds,
        boolean email2faEnabled,
        long emailCodeExpirationSeconds,
        int emailCodeMaxAttempts,
        long rememberForSeconds,
        boolean passwordFallbackEnabled,
        int passwordFallbackMaxAttempts,
        long passwordFallbackLockSeconds,
        String senderAddress,
        long loginExpirationDays,
        Long maxTokenLifetimeDays,
        boolean blockFailedLogins,
        int blockFailedLoginsUserAttempts,
        int blockFailedLoginsIpAttempts,
        long blockFailedLoginsSeconds,
        boolean rateLimiterEnabled,
        int rateLimitCalls,
        long rateLimitWindowMillis,
        boolean tokenNotificationsEnabled,
        String metricsNamespace) {

    public static final String USERS_TABLE = "USERS_TABLE";
    public static final String PERMISSIONS_TABLE = "PERMISSIONS_TABLE";
    public static final String LOOKUPS_TABLE = "LOOKUPS_TABLE";
    public static final String RATE_LIMIT_TABLE = "RATE_LIMIT_TABLE";
    public static final String TWO_FACTOR_ENABLED = "TWO_FACTOR_ENABLED";
    public static final String TOTP_ENABLED = "TOTP_ENABLED";
    public static final String TOTP_MAX_DELTA = "TOTP_MAX_DELTA";
    public static final String TOTP_MAX_ATTEMPTS = "TOTP_MAX_ATTEMPTS";
    public static final String TOTP_LOCK_SECONDS = "TOTP_LOCK_SECONDS";
    public static final String EMAIL_2FA_ENABLED = "EMAIL_2FA_ENABLED";
    public static final String EMAIL_CODE_EXPIRATION_SECONDS = "EMAIL_CODE_EXPIRATION_SECONDS";
    public static final String EMAIL_CODE_MAX_ATTEMPTS = "EMAIL_CODE_MAX_ATTEMPTS";
    public static final String REMEMBER_FOR_SECONDS = "REMEMBER_FOR_SECONDS";
    public static final String PASSWORD_FALLBACK_ENABLED = "PASSWORD_FALLBACK_ENABLED";
    public static final String PASSWORD_FALLBACK_MAX_ATTEMPTS = "PASSWORD_FALLBACK_MAX_ATTEMPTS";
    public static final String PASSWORD_FALLBACK_LOCK_SECONDS = "PASSWORD_FALLBACK_LOCK_SECONDS";
    public static final String SENDER_ADDRESS = "SENDER_ADDRESS";
    public static final String LOGIN_EXPIRATION_DAYS = "LOGIN_EXPIRATION_DAYS";
    public static final String MAX_TOKEN_LIFETIME_DAYS = "MAX_TOKEN_LIFETIME_DAYS";
    public static final String BLOCK_FAILED_LOGINS_ENABLED = "BLOCK_FAILED_LOGINS_ENABLED";
    public static final String BLOCK_FAILED_LOGINS_USER_ATTEMPTS = "BLOCK_FAILED_LOGINS_USER_ATTEMPTS";
    public static final String BLOCK_FAILED_LOGINS_IP_ATTEMPTS = "BLOCK_FAILED_LOGINS_IP_ATTEMPTS";
    public static final String BLOCK_FAILED_LOGINS_SECONDS = "BLOCK_FAILED_LOGINS_SECONDS";
    public static final String API_ENABLE_RATE_LIMITER = "API_ENABLE_RATE_LIMITER";
    public static final String API_RATE_LIMIT_CALLS = "API_RATE_LIMIT_CALLS";
    public static final String API_RATE_LIMIT_WINDOW_MS = "API_RATE_LIMIT_WINDOW_MS";
    public static final String TOKEN_NOTIFICATIONS_ENABLED = "TOKEN_NOTIFICATIONS_ENABLED";
    public static final String METRICS_NAMESPACE = "METRICS_NAMESPACE";

    /** CloudWatch's rule for a namespace: ASCII letters, digits and {@code . - _ / # :} or space, not AWS's own. */
    private static final Pattern NAMESPACE = Pattern.compile("(?!AWS/)[A-Za-z0-9.\\-_/#: ]{1,255}");

    /** Every environment variable above: what template.yaml must declare and bin/local passes on. */
    public static final List<String> VARIABLES = List.of(USERS_TABLE, PERMISSIONS_TABLE, LOOKUPS_TABLE, RATE_LIMIT_TABLE,
            TWO_FACTOR_ENABLED, TOTP_ENABLED, TOTP_MAX_DELTA, TOTP_MAX_ATTEMPTS, TOTP_LOCK_SECONDS, EMAIL_2FA_ENABLED,
            EMAIL_CODE_EXPIRATION_SECONDS, EMAIL_CODE_MAX_ATTEMPTS, REMEMBER_FOR_SECONDS, PASSWORD_FALLBACK_ENABLED,
            PASSWORD_FALLBACK_MAX_ATTEMPTS, PASSWORD_FALLBACK_LOCK_SECONDS, SENDER_ADDRESS, LOGIN_EXPIRATION_DAYS,
            MAX_TOKEN_LIFETIME_DAYS, BLOCK_FAILED_LOGINS_ENABLED, BLOCK_FAILED_LOGINS_USER_ATTEMPTS,
            BLOCK_FAILED_LOGINS_IP_ATTEMPTS, BLOCK_FAILED_LOGINS_SECONDS, API_ENABLE_RATE_LIMITER, API_RATE_LIMIT_CALLS,
            API_RATE_LIMIT_WINDOW_MS, TOKEN_NOTIFICATIONS_ENABLED, METRICS_NAMESPACE);

    public static Settings fromEnvironment() {
        return from(System.getenv());
    }

    public static Settings from(Map<String, String> env) {
        Reader r = new Reader(env);
        return new Settings(
                r.required(USERS_TABLE),
                r.required(PERMISSIONS_TABLE),
                r.required(LOOKUPS_TABLE),
                r.required(RATE_LIMIT_TABLE),
                r.bool(TWO_FACTOR_ENABLED, true),
                r.bool(TOTP_ENABLED, true),
                r.integer(TOTP_MAX_DELTA, 1, 0, 10),
                r.integer(TOTP_MAX_ATTEMPTS, 5, 1, 1000),
                r.integer(TOTP_LOCK_SECONDS, 300, 1, 86_400),
                r.bool(EMAIL_2FA_ENABLED, true),
                r.integer(EMAIL_CODE_EXPIRATION_SECONDS, 3600, 30, 86_400),
                r.integer(EMAIL_CODE_MAX_ATTEMPTS, 5, 1, 1000),
                r.integer(REMEMBER_FOR_SECONDS, 1800, 0, 31_536_000),
                r.bool(PASSWORD_FALLBACK_ENABLED, true),
                r.integer(PASSWORD_FALLBACK_MAX_ATTEMPTS, 5, 1, 1000),
                r.integer(PASSWORD_FALLBACK_LOCK_SECONDS, 300, 1, 86_400),
                r.optional(SENDER_ADDRESS, "no-reply@example.com"),
                r.integer(LOGIN_EXPIRATION_DAYS, 90, 1, 36_500),
                r.optionalInteger(MAX_TOKEN_LIFETIME_DAYS, 1, 36_500),
                r.bool(BLOCK_FAILED_LOGINS_ENABLED, true),
                r.integer(BLOCK_FAILED_LOGINS_USER_ATTEMPTS, 10, 1, 10_000),
                r.integer(BLOCK_FAILED_LOGINS_IP_ATTEMPTS, 50, 1, 100_000),
                r.integer(BLOCK_FAILED_LOGINS_SECONDS, 300, 1, 86_400),
                r.bool(API_ENABLE_RATE_LIMITER, true),
                r.integer(API_RATE_LIMIT_CALLS, 10, 1, 1_000_000),
                r.integer(API_RATE_LIMIT_WINDOW_MS, 60_000, 1_000, 86_400_000),

                r.bool(TOKEN_NOTIFICATIONS_ENABLED, true),
                r.matching(METRICS_NAMESPACE, "rcpat", NAMESPACE, "a CloudWatch namespace (letters, digits, . - _ / # : and"
                        + " spaces, at most 255, not starting with AWS/)"));
    }

    private record Reader(Map<String, String> env) {
        String raw(String name) {
            String v = env.get(name);
            return v == null || v.isBlank() ? null : v.trim();
        }

        String required(String name) {
            String v = raw(name);
            if (v == null) {
                throw new IllegalStateException("Setting " + name + " is required but not set");
            }
            return v;
        }

        String optional(String name, String dflt) {
            String v = raw(name);
            return v == null ? dflt : v;
        }

        String matching(String name, String dflt, Pattern pattern, String what) {
            String v = raw(name);
            if (v == null) {
                return dflt;
            }
            if (!pattern.matcher(v).matches()) {
                throw new IllegalStateException("Setting " + name + " must be " + what + ", not '" + v + "'");
            }
            return v;
        }

        boolean bool(String name, boolean dflt) {
            String v = raw(name);
            if (v == null) {
                return dflt;
            }
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalStateException("Setting " + name + " must be true or false, not '" + v + "'");
            };
        }

        int integer(String name, int dflt, int min, int max) {
            Long v = optionalInteger(name, min, max);
            return v == null ? dflt : v.intValue();
        }

        Long optionalInteger(String name, int min, int max) {
            String v = raw(name);
            if (v == null) {
                return null;
            }
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("Setting " + name + " must be a whole number, not '" + v + "'");
            }
            if (n < min || n > max) {
                throw new IllegalStateException("Setting " + name + " must be between " + min + " and " + max + ", not " + n);
            }
            return n;
        }
    }
}
