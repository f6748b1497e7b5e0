package dev.rcpat.session;

import dev.rcpat.domain.EmailAddress;
import dev.rcpat.domain.User;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user as Rocket.Chat's {@code me} and login's {@code data.me} show it: never a hash, a
 * secret or a token; {@code services} reduced to what a client may know.
 */
public final class UserInfo {

    private UserInfo() { }

    public static Map<String, Object> of(User user) {
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("_id", user.id());
        me.put("username", user.username());
        if (user.name() != null) {
            me.put("name", user.name());
        }
        List<Map<String, Object>> emails = user.emails().stream().map(UserInfo::email).toList();
        me.put("emails", emails);
        // Presence is not tracked here; Rocket.Chat shows a user without a session as offline.
        me.put("status", "offline");
        me.put("active", user.active());
        me.put("roles", user.roles());
        List<String> verified = user.verifiedEmails();
        if (!verified.isEmpty()) {
            me.put("email", verified.get(0));
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("profile", Map.of());
        settings.put("preferences", Map.of());
        me.put("settings", settings);
        Map<String, Object> services = new LinkedHashMap<>();
        services.put("password", Map.of("exists", user.passwordBcrypt() != null));
        services.put("totp", Map.of("enabled", user.totp() != null && user.totp().enabled()));
        services.put("email2fa", Map.of("enabled", user.email2faEnabled()));
        me.put("services", services);
        return me;
    }

    private static Map<String, Object> email(EmailAddress address) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("address", address.address());
        e.put("verified", address.verified());
        return e;
    }
}
