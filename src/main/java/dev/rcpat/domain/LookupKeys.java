package dev.rcpat.domain;

import java.util.Locale;

/** The keys of lookup items: usernames and addresses without regard to case, as Meteor finds them. */
public final class LookupKeys {

    private LookupKeys() { }

    public static String username(String username) {
        return "username:" + username.toLowerCase(Locale.ROOT);
    }

    public static String email(String address) {
        return "email:" + address.toLowerCase(Locale.ROOT);
    }

    public static String loginToken(String hashedToken) {
        return "token:" + hashedToken;
    }

    public static String clientAddress(String sourceIp) {
        return "ip:" + (sourceIp == null || sourceIp.isBlank() ? "unknown" : sourceIp);
    }
}
