package dev.rcpat.twofactor;

import dev.rcpat.store.UserWrite;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How a request passed the second-factor check, and what must be written atomically with the
 * endpoint's own write (the spent code or time step, the remember mark).
 */
public record TwoFactorPass(String method, List<UserWrite.Op> ops) {

    public static final TwoFactorPass NOT_REQUIRED = withoutCode("not-required");

    /** Passed without a code (2FA off, bypass token, remembered, or no method for this user). */
    public static TwoFactorPass withoutCode(String reason) {
        return new TwoFactorPass(reason, List.of());
    }

    public TwoFactorPass {
        ops = List.copyOf(ops);
    }

    /** The method whose code was checked ({@code totp}, {@code email}, {@code password}); empty when passed without a code. */
    public Optional<String> codeMethod() {
        return Arrays.stream(Method.values()).map(Method::wireName).filter(method::equals).findFirst();
    }
}
