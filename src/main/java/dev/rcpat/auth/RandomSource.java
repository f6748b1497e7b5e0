package dev.rcpat.auth;

import java.security.SecureRandom;

/**
 * The cryptographic random generator that tokens and email codes are drawn from. Replaceable,
 * because SnapStart restores every environment from one snapshot: a generator state in it would
 * give every environment the same tokens (see {@code Priming.afterRestore}).
 */
public final class RandomSource {

    private volatile SecureRandom random;

    public RandomSource(SecureRandom initial) {
        this.random = initial;
    }

    public SecureRandom get() {
        return random;
    }

    public void reseed(SecureRandom fresh) {
        this.random = fresh;
    }
}
