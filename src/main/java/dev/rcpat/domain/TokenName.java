package dev.rcpat.domain;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * The rules a personal access token's name must follow. Rocket.Chat stores any string; ours
 * (docs/compatibility.md, "Token names"): at most 100 characters, not blank, no control, format,
 * line or paragraph separator characters (which can hide or reorder text, e.g. U+202E), well-formed
 * Unicode, and normalised to NFC so that two names that look the same are the same name.
 */
public final class TokenName {

    public static final int MAX_LENGTH = 100;

    private TokenName() { }

    /** The name as stored and compared: {@code raw} in NFC, or the reason it cannot be a name. */
    public static String validate(String raw) throws Refusal {
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(raw)) {
            throw Refusal.invalidParams("The 'tokenName' param must be well-formed Unicode text");
        }
        String name = Normalizer.normalize(raw, Normalizer.Form.NFC);
        if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
            throw Refusal.invalidParams("The 'tokenName' param must be at most " + MAX_LENGTH + " characters");
        }
        if (name.strip().isEmpty()) {
            throw Refusal.invalidParams("The 'tokenName' param must not be blank");
        }
        if (name.codePoints().anyMatch(TokenName::isHidden)) {
            throw Refusal.invalidParams("The 'tokenName' param must not contain control characters");
        }
        return name;
    }

    private static boolean isHidden(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
            default -> false;
        };
    }
}
