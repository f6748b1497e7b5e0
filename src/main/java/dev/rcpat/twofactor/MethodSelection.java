package dev.rcpat.twofactor;

import dev.rcpat.config.Settings;
import dev.rcpat.domain.User;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which second factor a request must give (docs/compatibility.md, "Two-factor"), and which methods the
 * user could choose ({@code availableMethods}, never {@code password}).
 */
final class MethodSelection {

    /** The chosen method (empty: the user has none, and passes without a second factor). */
    record Selection(Optional<Method> method, List<String> availableMethods) { }

    private MethodSelection() { }

    static Selection select(User user, Settings settings, String headerMethod) {
        List<String> available = availableMethods(user, settings);
        if (Method.TOTP.wireName().equals(headerMethod)) {
            return new Selection(Optional.of(Method.TOTP), available);
        }
        if (Method.EMAIL.wireName().equals(headerMethod)) {
            return new Selection(Optional.of(Method.EMAIL), available);
        }
        if (totpEnabled(user, settings)) {
            return new Selection(Optional.of(Method.TOTP), available);
        }
        if (emailEnabled(user, settings)) {
            return new Selection(Optional.of(Method.EMAIL), available);
        }
        if (settings.passwordFallbackEnabled() && user.passwordBcrypt() != null) {
            return new Selection(Optional.of(Method.PASSWORD), available);
        }
        return new Selection(Optional.empty(), available);
    }

    static List<String> availableMethods(User user, Settings settings) {
        List<String> out = new ArrayList<>(2);
        if (totpEnabled(user, settings)) {
            out.add(Method.TOTP.wireName());
        }
        if (emailEnabled(user, settings)) {
            out.add(Method.EMAIL.wireName());
        }
        return List.copyOf(out);
    }

    static boolean totpEnabled(User user, Settings settings) {
        return settings.totpEnabled() && user.totp() != null && user.totp().enabled();
    }

    static boolean emailEnabled(User user, Settings settings) {
        return settings.email2faEnabled() && user.email2faEnabled() && !user.verifiedEmails().isEmpty();
    }
}
