package dev.rcpat.twofactor;

import dev.rcpat.testing.TestSettings;
import dev.rcpat.config.Settings;
import dev.rcpat.domain.EmailAddress;
import dev.rcpat.domain.TotpState;
import dev.rcpat.domain.User;
import dev.rcpat.log.MetricDimension;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MethodSelectionTest {

    static Settings settings(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(TestSettings.environment(Map.of()));
        env.putAll(overrides);
        return Settings.from(env);
    }

    static User user(boolean totp, boolean email2fa, boolean verified, String password) {
        return new User("id", "alice", true, List.of("user"),
                List.of(new EmailAddress("alice@example.com", verified)), password, Map.of(), Map.of(),
                totp ? new TotpState(true, "JBSWY3DPEHPK3PXP", List.of(), null, 0, null) : null, email2fa, null);
    }

    static MethodSelection.Selection select(User u, Settings s, String header) {
        return MethodSelection.select(u, s, header);
    }

    final Settings defaults = settings(Map.of());

    @Test
    void totpComesBeforeEmail() {
        var s = select(user(true, true, true, "$2a$10$x"), defaults, null);
        assertEquals(Optional.of(Method.TOTP), s.method());
        assertEquals(List.of("totp", "email"), s.availableMethods());
    }

    @Test
    void emailNeedsAVerifiedAddress() {
        assertEquals(Optional.of(Method.EMAIL), select(user(false, true, true, null), defaults, null).method());
        var unverified = select(user(false, true, false, "$2a$10$x"), defaults, null);
        assertEquals(Optional.of(Method.PASSWORD), unverified.method());
        assertEquals(List.of(), unverified.availableMethods());
    }

    @Test
    void theHeaderChoosesTotpOrEmailEvenWhenNotEnabled() {
        User emailOnly = user(false, true, true, null);
        assertEquals(Optional.of(Method.TOTP), select(emailOnly, defaults, "totp").method());
        assertEquals(Optional.of(Method.EMAIL), select(user(true, false, true, null), defaults, "email").method());
        assertEquals(List.of("email"), select(emailOnly, defaults, "totp").availableMethods());
    }

    @Test
    void passwordIsNotAHeaderMethodOfItsOwn() {
        assertEquals(Optional.of(Method.TOTP), select(user(true, false, true, "$2a$10$x"), defaults, "password").method());
        assertEquals(Optional.empty(), select(user(false, false, true, null), defaults, "password").method());
        assertEquals(Optional.of(Method.EMAIL), select(user(false, true, true, null), defaults, "sms").method());
    }

    @Test
    void settingsSwitchMethodsOff() {
        User both = user(true, true, true, "$2a$10$x");
        assertEquals(Optional.of(Method.EMAIL), select(both, settings(Map.of(Settings.TOTP_ENABLED, "false")), null).method());
        assertEquals(List.of("totp"), select(both, settings(Map.of(Settings.EMAIL_2FA_ENABLED, "false")), null).availableMethods());
        Settings neither = settings(Map.of(Settings.TOTP_ENABLED, "false", Settings.EMAIL_2FA_ENABLED, "false"));
        assertEquals(Optional.of(Method.PASSWORD), select(both, neither, null).method());
        Settings noFallback = settings(Map.of(Settings.TOTP_ENABLED, "false", Settings.EMAIL_2FA_ENABLED, "false",
                Settings.PASSWORD_FALLBACK_ENABLED, "false"));
        assertEquals(Optional.empty(), select(both, noFallback, null).method());
    }

    @Test
    void noMethodAndNoPasswordPasses() {
        var s = select(user(false, false, true, null), defaults, null);
        assertEquals(Optional.empty(), s.method());
        assertEquals(List.of(), s.availableMethods());
    }

    /** The metrics' twoFactorMethod dimension takes exactly the methods' names, and a pass names its method only with a code. */
    @Test
    void theMetricDimensionNamesEveryMethod() {
        assertEquals(Arrays.stream(Method.values()).map(Method::wireName).toList(),
                MetricDimension.TWO_FACTOR_METHOD.fixedValues());
        assertEquals(Optional.of("email"), new TwoFactorPass("email", List.of()).codeMethod());
        for (String reason : List.of("disabled", "bypass", "remembered", "no-method", "not-required")) {
            assertEquals(Optional.empty(), TwoFactorPass.withoutCode(reason).codeMethod(), reason);
        }
    }
}
