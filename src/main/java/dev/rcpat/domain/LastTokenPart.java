package dev.rcpat.domain;

/** What is kept of a personal access token's plaintext, to recognise it in a list: its last six characters. */
public final class LastTokenPart {

    public static final int LENGTH = 6;

    private LastTokenPart() { }

    public static String of(String token) {
        return token.substring(token.length() - LENGTH);
    }
}
