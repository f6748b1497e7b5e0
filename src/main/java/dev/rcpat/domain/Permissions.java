package dev.rcpat.domain;

import java.util.List;
import java.util.Map;

/**
 * Permissions by Rocket.Chat's ids, with its default roles: in force while the permissions table
 * holds no item for a permission (a new deployment); an item, even with no roles, replaces them.
 */
public final class Permissions {

    public static final String CREATE_PERSONAL_ACCESS_TOKENS = "create-personal-access-tokens";
    /** Its holders are never rate-limited and get no rate-limit headers. */
    public static final String API_BYPASS_RATE_LIMIT = "api-bypass-rate-limit";

    private static final Map<String, List<String>> DEFAULT_ROLES = Map.of(
            CREATE_PERSONAL_ACCESS_TOKENS, List.of("admin", "user"),
            API_BYPASS_RATE_LIMIT, List.of("admin", "bot", "app"));

    private Permissions() { }

    public static List<String> defaultRoles(String permission) {
        return DEFAULT_ROLES.getOrDefault(permission, List.of());
    }

    /** Every permission with default roles, for tooling that seeds them. */
    public static Map<String, List<String>> defaults() {
        return DEFAULT_ROLES;
    }
}
