package dev.rcpat.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rcpat.domain.IsoTime;
import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.TokenName;
import dev.rcpat.tokens.GenerateToken;
import dev.rcpat.tokens.TokenLifetime;
import dev.rcpat.tokens.TokenNameInput;

import java.math.BigInteger;
import java.time.Instant;

/** The token endpoints' bodies: field types and presence here, the rules on values in the domain. */
public final class TokenBodies {

    private TokenBodies() { }

    public static GenerateToken.Input generate(RequestBody body) throws Refusal {
        String name = tokenName(body);
        boolean bypassTwoFactor = bypassTwoFactor(body);
        return new GenerateToken.Input(name, bypassTwoFactor, lifetime(body));
    }

    public static TokenNameInput named(RequestBody body) throws Refusal {
        return new TokenNameInput(tokenName(body));
    }

    /** {@code tokenName}: required (Rocket.Chat's message; an empty string counts as missing), a string. */
    static String tokenName(RequestBody body) throws Refusal {
        JsonNode node = body.field("tokenName");
        if (node == null || (node.isTextual() && node.textValue().isEmpty())) {
            throw Refusal.failure("The 'tokenName' param is required");
        }
        if (!node.isTextual()) {
            throw Refusal.invalidParams("The 'tokenName' param must be a string");
        }
        return TokenName.validate(node.textValue());
    }

    /** {@code bypassTwoFactor}: optional boolean, default false; a form gives it as "true" or "false". */
    static boolean bypassTwoFactor(RequestBody body) throws Refusal {
        JsonNode node = body.field("bypassTwoFactor");
        if (node == null) {
            return false;
        }
        if (body.formEncoded() && node.isTextual()
                && (node.textValue().equals("true") || node.textValue().equals("false"))) {
            return node.textValue().equals("true");
        }
        if (!node.isBoolean()) {
            throw Refusal.invalidParams("The 'bypassTwoFactor' param must be a boolean");
        }
        return node.booleanValue();
    }

    /**
     * Ours: {@code expiresAt} (ISO-8601 date-time with a zone) or {@code expiresInDays} (positive
     * whole number; text in a form), not both. Their bounds are the domain's.
     */
    static TokenLifetime.Request lifetime(RequestBody body) throws Refusal {
        JsonNode at = body.field("expiresAt");
        JsonNode days = body.field("expiresInDays");
        if (at != null && days != null) {
            throw Refusal.invalidParams("Give either the 'expiresAt' param or the 'expiresInDays' param, not both");
        }
        if (days != null) {
            return new TokenLifetime.Request.InDays(wholeDays(days));
        }
        if (at != null) {
            Instant instant = at.isTextual() ? IsoTime.parse(at.textValue()).orElse(null) : null;
            if (instant == null) {
                throw Refusal.invalidParams("The 'expiresAt' param must be an ISO-8601 date-time with a time zone,"
                        + " such as 2027-01-31T00:00:00.000Z");
            }
            return new TokenLifetime.Request.At(instant);
        }
        return TokenLifetime.Request.NONE;
    }

    private static BigInteger wholeDays(JsonNode node) throws Refusal {
        BigInteger n = null;
        if (node.isIntegralNumber()) {
            n = node.bigIntegerValue();
        } else if (node.isTextual() && node.textValue().matches("[0-9]{1,12}")) {
            n = new BigInteger(node.textValue()); // form-urlencoded bodies carry numbers as text
        }
        if (n == null || n.signum() <= 0) {
            throw Refusal.invalidParams("The 'expiresInDays' param must be a positive whole number");
        }
        return n;
    }
}
