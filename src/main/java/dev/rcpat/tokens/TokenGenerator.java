package dev.rcpat.tokens;

import java.security.SecureRandom;

/** Rocket.Chat's token format: 43 characters drawn uniformly from A-Z a-z 0-9 - _ (258 bits). */
public final class TokenGenerator {

    static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    public static final int LENGTH = 43;

    private volatile SecureRandom random;

    public TokenGenerator(SecureRandom random) {
        this.random = random;
    }

    public String newToken() {
        char[] out = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            // 64 symbols: nextInt(64) is exactly uniform.
            out[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(out);
    }

    /** After a SnapStart restore, environments must not share a generator state. */
    public void reseed(SecureRandom fresh) {
        this.random = fresh;
    }
}
