package dev.rcpat.twofactor;

import dev.rcpat.api.ApiError;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code details} of a two-factor answer and the three answers that carry them
 * (spec section 5, steps 7 and 8).
 *
 * @param emailOrUsername for email only: the username, or the first verified address
 * @param codeExpires     for email only: when the kept code expires (epoch ms), null when none was kept
 */
record Challenge(Method method, boolean codeGenerated, String emailOrUsername, Long codeExpires,
                 List<String> availableMethods) {

    /** JavaScript's {@code Date.toISOString()}, which Rocket.Chat's clients parse. */
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    static Challenge of(Method method, List<String> availableMethods) {
        return new Challenge(method, false, null, null, availableMethods);
    }

    Challenge generated() {
        return new Challenge(method, true, emailOrUsername, null, availableMethods);
    }

    Challenge expiring(Long at) {
        return new Challenge(method, codeGenerated, emailOrUsername, at, availableMethods);
    }

    ApiError required() {
        return ApiError.domain("totp-required", "TOTP Required", details());
    }

    ApiError invalid() {
        return ApiError.domain("totp-invalid", "TOTP Invalid", details());
    }

    /** Rocket.Chat's spelling ("Maximun"), which clients may match. */
    ApiError maxAttempts() {
        return ApiError.domain("totp-max-attempts", "TOTP Maximun Failed Attempts Reached", details());
    }

    Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("method", method.wireName());
        d.put("codeGenerated", codeGenerated);
        if (method == Method.EMAIL) {
            d.put("emailOrUsername", emailOrUsername);
            if (codeExpires != null) {
                d.put("codeExpires", ISO.format(Instant.ofEpochMilli(codeExpires)));
            }
        }
        d.put("availableMethods", availableMethods);
        return d;
    }
}
