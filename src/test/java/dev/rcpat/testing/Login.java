package dev.rcpat.testing;

import dev.rcpat.local.UserAdmin;

import java.util.Map;

/** A user the test created, with a login token as a Rocket.Chat login would have made it. */
public record Login(UserAdmin.Created user, String token) {

    public String userId() {
        return user.userId();
    }

    public String totpSecret() {
        return user.totpSecret();
    }

    /** Fresh X-User-Id / X-Auth-Token headers for this login. */
    public Map<String, String> headers() {
        return Api.auth(user.userId(), token);
    }
}
