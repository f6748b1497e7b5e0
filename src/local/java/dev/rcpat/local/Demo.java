package dev.rcpat.local;

import dev.rcpat.auth.Secrets;
import dev.rcpat.domain.Permissions;

import java.util.List;

/**
 * The demo data {@code bin/local serve} seeds into the LOCAL emulators only (never into AWS):
 * fixed, published credentials so the curl commands it prints and the files in {@code events/}
 * work out of the box. Nothing here is a secret, and nothing here may be used anywhere else.
 */
public final class Demo {

    public static final String USER_ID = "DemoUser000000001";
    public static final String USERNAME = "demo";
    public static final String PASSWORD = "demo-password";
    public static final String EMAIL = "demo@rcpat.local";
    /** A login token whose hash is stored on the demo user; public, like everything in this class. */
    public static final String LOGIN_TOKEN = "demo-only-local-login-token-not-a-secret-01";
    /** A second public login token, for the logout event to remove (seeded again at every start). */
    public static final String LOGOUT_TOKEN = "demo-only-local-logout-token-not-a-secret-02";
    public static final String PERMISSION = Permissions.CREATE_PERSONAL_ACCESS_TOKENS;
    public static final List<String> PERMISSION_ROLES = List.of("admin", "user");

    private Demo() { }

    /**
     * The demo user has a password and neither TOTP nor email 2FA, so two-factor checks use the
     * password fallback: {@code x-2fa-method: password} and this code.
     */
    public static String passwordTwoFactorCode() {
        return Secrets.sha256Hex(PASSWORD);
    }

    /**
     * Seeds the permission (unless already set, e.g. kept in a {@code --data-dir}) and the demo
     * user with its login token (refreshed, so it never expires on a long-lived data dir).
     */
    static void seed(UserAdmin admin) {
        if (admin.permissionRoles(PERMISSION).isEmpty()) {
            admin.setPermission(PERMISSION, PERMISSION_ROLES);
        }
        if (admin.findById(USER_ID).isEmpty()) {
            admin.createUser(UserAdmin.NewUser.named(USERNAME).password(PASSWORD).email(EMAIL, true), USER_ID);
        }
        admin.addLoginToken(USER_ID, LOGIN_TOKEN);
        admin.addLoginToken(USER_ID, LOGOUT_TOKEN);
    }
}
