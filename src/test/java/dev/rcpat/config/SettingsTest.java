package dev.rcpat.config;

import dev.rcpat.testing.TestSettings;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {

    @Test
    void invalidSettingsFailFastAndDefaultsAreRocketChats() {
        Map<String, String> base = new HashMap<>(TestSettings.environment(Map.of()));
        Map<String, String> bad = Map.ofEntries(
                Map.entry(Settings.TOKEN_NOTIFICATIONS_ENABLED, "on"),
                Map.entry(Settings.METRICS_NAMESPACE, "AWS/Lambda"),
                Map.entry(Settings.TOTP_MAX_ATTEMPTS, "0"),
                Map.entry(Settings.TOTP_LOCK_SECONDS, "five"),
                Map.entry(Settings.TOTP_MAX_DELTA, "-1"),
                Map.entry(Settings.EMAIL_CODE_MAX_ATTEMPTS, "0"),
                Map.entry(Settings.EMAIL_CODE_EXPIRATION_SECONDS, "5"),
                Map.entry(Settings.REMEMBER_FOR_SECONDS, "-1"),
                Map.entry(Settings.TWO_FACTOR_ENABLED, "yes"),
                Map.entry(Settings.PASSWORD_FALLBACK_ENABLED, "1"),
                Map.entry(Settings.PASSWORD_FALLBACK_MAX_ATTEMPTS, "0"),
                Map.entry(Settings.PASSWORD_FALLBACK_LOCK_SECONDS, "86401"),
                Map.entry(Settings.API_ENABLE_RATE_LIMITER, "on"),
                Map.entry(Settings.API_RATE_LIMIT_CALLS, "0"),
                Map.entry(Settings.API_RATE_LIMIT_WINDOW_MS, "999"));
        bad.forEach((name, value) -> {
            Map<String, String> env = new HashMap<>(base);
            env.put(name, value);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Settings.from(env), name);
            assertTrue(e.getMessage().contains(name), e.getMessage());
        });
        Settings d = Settings.from(base);
        assertEquals(List.of(true, true, 1, true, 3600L, 5, 1800L, true, 5, 300L, true, "rcpat"),
                List.of(d.twoFactorEnabled(), d.totpEnabled(), d.totpMaxDelta(), d.email2faEnabled(),
                        d.emailCodeExpirationSeconds(), d.emailCodeMaxAttempts(), d.rememberForSeconds(),
                        d.passwordFallbackEnabled(), d.totpMaxAttempts(), d.totpLockSeconds(),
                        d.tokenNotificationsEnabled(), d.metricsNamespace()));
        assertEquals(List.of(true, 10, 60_000L), List.of(d.rateLimiterEnabled(), d.rateLimitCalls(), d.rateLimitWindowMillis()));
        assertEquals("ratelimit", d.rateLimitTable());
        assertEquals(List.of(5, 300L), List.of(d.passwordFallbackMaxAttempts(), d.passwordFallbackLockSeconds()));
        Map<String, String> noCounters = new HashMap<>(base);
        noCounters.remove(Settings.RATE_LIMIT_TABLE);
        assertEquals("Setting RATE_LIMIT_TABLE is required but not set",
                assertThrows(IllegalStateException.class, () -> Settings.from(noCounters)).getMessage());
    }

    @Test
    void aMetricsNamespaceIsWhatCloudWatchAccepts() {
        Map<String, String> env = new HashMap<>(TestSettings.environment(Map.of()));
        for (String good : List.of("rcpat", "Acme/rcpat-prod", "team.rcpat_eu #1:x")) {
            env.put(Settings.METRICS_NAMESPACE, good);
            assertEquals(good, Settings.from(env).metricsNamespace());
        }
        for (String bad : List.of("AWS/rcpat", "rcpat\u00e9", "a\tb", "x".repeat(256))) {
            env.put(Settings.METRICS_NAMESPACE, bad);
            assertThrows(IllegalStateException.class, () -> Settings.from(env), bad);
        }
    }

    @Test
    void everyVariableIsListedOnce() {
        assertEquals(28, Settings.VARIABLES.size());
        assertEquals(Settings.VARIABLES.size(), Settings.VARIABLES.stream().distinct().count());
    }
}
