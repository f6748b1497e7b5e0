package dev.rcpat.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcpat.api.ApiError;
import dev.rcpat.api.IsoTime;
import dev.rcpat.domain.StoredToken;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;

/**
 * Ours: optional expiry of personal access tokens (Rocket.Chat's never expire). A token lives at
 * most the configured maximum ({@code MAX_TOKEN_LIFETIME_DAYS}); with a maximum set, a token
 * requested without an expiry gets the maximum.
 */
final class TokenLifetime {

    /** The cap when no maximum is configured (the setting's own upper bound). */
    static final long LONGEST_DAYS = 36_500;

    private TokenLifetime() { }

    /**
     * The {@code expiresAt} (epoch ms) a generate request asks for, from {@code expiresAt}
     * (ISO-8601 date-time, in the future) or {@code expiresInDays} (positive whole number);
     * null for a token that does not expire.
     */
    static Long requested(ObjectNode body, long now, Long maxLifetimeDays) throws ApiError {
        JsonNode at = present(body.get("expiresAt"));
        JsonNode days = present(body.get("expiresInDays"));
        if (at != null && days != null) {
            throw ApiError.invalidParams("Give either the 'expiresAt' param or the 'expiresInDays' param, not both");
        }
        long maxDays = maxLifetimeDays == null ? LONGEST_DAYS : maxLifetimeDays;
        if (days != null) {
            return now + Duration.ofDays(wholeDays(days, maxDays)).toMillis();
        }
        if (at != null) {
            return expiresAt(at, now, maxDays);
        }
        return maxLifetimeDays == null ? null : now + Duration.ofDays(maxLifetimeDays).toMillis();
    }

    /**
     * The expiry of a regenerated token: the old token's lifetime length counted from now
     * (never longer than the configured maximum), or null if the old token did not expire and
     * no maximum is configured.
     */
    static Long renewed(StoredToken old, long now, Long maxLifetimeDays) {
        Long lifetime = old.expiresAt() == null ? null : old.expiresAt() - old.createdAt();
        if (maxLifetimeDays != null) {
            long max = Duration.ofDays(maxLifetimeDays).toMillis();
            lifetime = lifetime == null ? max : Math.min(lifetime, max);
        }
        return lifetime == null ? null : now + lifetime;
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private static long wholeDays(JsonNode node, long maxDays) throws ApiError {
        BigInteger n = null;
        if (node.isIntegralNumber()) {
            n = node.bigIntegerValue();
        } else if (node.isTextual() && node.textValue().matches("[0-9]{1,12}")) {
            n = new BigInteger(node.textValue()); // form-urlencoded bodies carry numbers as text
        }
        if (n == null || n.signum() <= 0) {
            throw ApiError.invalidParams("The 'expiresInDays' param must be a positive whole number");
        }
        if (n.compareTo(BigInteger.valueOf(maxDays)) > 0) {
            throw ApiError.invalidParams("The 'expiresInDays' param must be at most " + maxDays);
        }
        return n.longValueExact();
    }

    private static long expiresAt(JsonNode node, long now, long maxDays) throws ApiError {
        Instant at = node.isTextual() ? IsoTime.parse(node.textValue()).orElse(null) : null;
        if (at == null) {
            throw ApiError.invalidParams("The 'expiresAt' param must be an ISO-8601 date-time with a time zone,"
                    + " such as 2027-01-31T00:00:00.000Z");
        }
        Instant current = Instant.ofEpochMilli(now);
        if (!at.isAfter(current)) {
            throw ApiError.invalidParams("The 'expiresAt' param must be in the future");
        }
        if (at.isAfter(current.plus(Duration.ofDays(maxDays)))) {
            throw ApiError.invalidParams("The 'expiresAt' param must be at most " + maxDays + " days in the future");
        }
        return at.toEpochMilli();
    }
}
