package dev.rcpat.twofactor;

/** A second factor, by the name Rocket.Chat uses in {@code x-2fa-method} and in {@code details.method}. */
enum Method {
    TOTP("totp"),
    EMAIL("email"),
    PASSWORD("password");

    private final String wireName;

    Method(String wireName) {
        this.wireName = wireName;
    }

    String wireName() {
        return wireName;
    }
}
