package dev.rcpat.pipeline;

import dev.rcpat.store.UserWrite;

import java.util.List;

/** How a call passed the second-factor check, and what must be written with the endpoint's write. */
public record TwoFactorPass(String method, List<UserWrite.Op> ops) {

    /** Passed without a code (2FA off, bypass token, remembered, or no method for this user). */
    public static TwoFactorPass withoutCode(String reason) {
        return new TwoFactorPass(reason, List.of());
    }

    public TwoFactorPass {
        ops = List.copyOf(ops);
    }
}
