package dev.rcpat.twofactor;

import dev.rcpat.domain.IsoTime;
import dev.rcpat.domain.Refusal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code details} of a two-factor answer and the three answers that carry them
 * (docs/compatibility.md, "Two-factor").
 *
 * @param emailOrUsername for email only: the username, or the first verified address
 * @param codeExpires     for email only: when the kept code expires (epoch ms), null when none was kept
 */
record Challenge(Method method, boolean codeGenerated, String emailOrUsername, Long codeExpires,
                 List<String> availableMethods) {

    static Challenge of(Method method, List<String> availableMethods) {
        return new Challenge(method, false, null, null, availableMethods);
    }

    Challenge generated() {
        return new Challenge(method, true, emailOrUsername, null, availableMethods);
    }

    Challenge expiring(Long at) {
        return new Challenge(method, codeGenerated, emailOrUsername, at, availableMethods);
    }

    Refusal required() {
        return Refusal.rejected("totp-required", "TOTP Required", details());
    }

    Refusal invalid() {
        return Refusal.rejected("totp-invalid", "TOTP Invalid", details());
    }

    /** Rocket.Chat's spelling ("Maximun"), which clients may match. */
    Refusal maxAttempts() {
        return Refusal.rejected("totp-max-attempts", "TOTP Maximun Failed Attempts Reached", details());
    }

    Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("method", method.wireName());
        d.put("codeGenerated", codeGenerated);
        if (method == Method.EMAIL) {
            d.put("emailOrUsername", emailOrUsername);
            if (codeExpires != null) {
                d.put("codeExpires", IsoTime.format(codeExpires));
            }
        }
        d.put("availableMethods", availableMethods);
        return d;
    }
}
