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
    void invalidTwoFactorSettingsFailFast() {
        Map<String, String> base = new HashMap<>(TestSettings.environment(Map.of()));
        Map<String, String> bad = Map.of(
                Settings.TOTP_MAX_ATTEMPTS, "0",
                Settings.TOTP_LOCK_SECONDS, "five",
                Settings.TOTP_MAX_DELTA, "-1",
                Settings.EMAIL_CODE_MAX_ATTEMPTS, "0",
                Settings.EMAIL_CODE_EXPIRATION_SECONDS, "5",
                Settings.REMEMBER_FOR_SECONDS, "-1",
                Settings.TWO_FACTOR_ENABLED, "yes",
                Settings.PASSWORD_FALLBACK_ENABLED, "1");
        bad.forEach((name, value) -> {
            Map<String, String> env = new HashMap<>(base);
            env.put(name, value);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Settings.from(env), name);
            assertTrue(e.getMessage().contains(name), e.getMessage());
        });
        Settings d = Settings.from(base);
        assertEquals(List.of(true, true, 1, true, 3600L, 5, 1800L, true, 5, 300L),
                List.of(d.twoFactorEnabled(), d.totpEnabled(), d.totpMaxDelta(), d.email2faEnabled(),
                        d.emailCodeExpirationSeconds(), d.emailCodeMaxAttempts(), d.rememberForSeconds(),
                        d.passwordFallbackEnabled(), d.totpMaxAttempts(), d.totpLockSeconds()));
    }

    @Test
    void everyVariableIsListedOnce() {
        assertEquals(20, Settings.VARIABLES.size());
        assertEquals(Settings.VARIABLES.size(), Settings.VARIABLES.stream().distinct().count());
    }
}
