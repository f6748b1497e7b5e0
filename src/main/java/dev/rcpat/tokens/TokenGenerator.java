package dev.rcpat.tokens;

import dev.rcpat.auth.RandomSource;

import java.security.SecureRandom;

/** Rocket.Chat's token format: 43 characters drawn uniformly from A-Z a-z 0-9 - _ (258 bits). */
public final class TokenGenerator {

    static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    public static final int LENGTH = 43;

    private final RandomSource random;

    public TokenGenerator(RandomSource random) {
        this.random = random;
    }

    public TokenGenerator(SecureRandom random) {
        this(new RandomSource(random));
    }

    public String newToken() {
        SecureRandom r = random.get();
        char[] out = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            // 64 symbols: nextInt(64) is exactly uniform.
            out[i] = ALPHABET.charAt(r.nextInt(ALPHABET.length()));
        }
        return new String(out);
    }
}
