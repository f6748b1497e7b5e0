package dev.rcpat.testing;

import dev.rcpat.config.Settings;

import java.util.HashMap;
import java.util.Map;

/** Settings for unit tests: the defaults, with table names that no test reaches. */
public final class TestSettings {

    private TestSettings() { }

    /** The variables every Settings needs, plus {@code overrides}. */
    public static Map<String, String> environment(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of(Settings.USERS_TABLE, "users", Settings.PERMISSIONS_TABLE,
                "permissions", Settings.LOOKUPS_TABLE, "lookups", Settings.RATE_LIMIT_TABLE, "ratelimit"));
        env.putAll(overrides);
        return env;
    }

    public static Settings defaults() {
        return Settings.from(environment(Map.of()));
    }
}
