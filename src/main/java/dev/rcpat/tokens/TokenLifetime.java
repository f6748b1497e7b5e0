package dev.rcpat.tokens;

import dev.rcpat.domain.Refusal;
import dev.rcpat.domain.StoredToken;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;

/**
 * Ours: optional expiry of personal access tokens (Rocket.Chat's never expire). A token lives at
 * most the configured maximum ({@code MAX_TOKEN_LIFETIME_DAYS}); with a maximum set, a token
 * requested without an expiry gets the maximum.
 */
public final class TokenLifetime {

    /** The cap when no maximum is configured (the setting's own upper bound). */
    static final long LONGEST_DAYS = 36_500;

    /** What a generate request asks for: nothing, an instant, or a number of days. */
    public sealed interface Request {
        Request NONE = new None();

        record None() implements Request { }

        record At(Instant at) implements Request { }

        /** A positive whole number of days, as given (it may be far beyond any limit). */
        record InDays(BigInteger days) implements Request { }
    }

    private TokenLifetime() { }

    /** The {@code expiresAt} (epoch ms) of a new token, or null for a token that does not expire. */
    static Long requested(Request request, long now, Long maxLifetimeDays) throws Refusal {
        long maxDays = maxLifetimeDays == null ? LONGEST_DAYS : maxLifetimeDays;
        return switch (request) {
            case Request.None none -> maxLifetimeDays == null ? null : now + Duration.ofDays(maxLifetimeDays).toMillis();
            case Request.InDays inDays -> {
                if (inDays.days().compareTo(BigInteger.valueOf(maxDays)) > 0) {
                    throw Refusal.invalidParams("The 'expiresInDays' param must be at most " + maxDays);
                }
                yield now + Duration.ofDays(inDays.days().longValueExact()).toMillis();
            }
            case Request.At at -> {
                Instant current = Instant.ofEpochMilli(now);
                if (!at.at().isAfter(current)) {
                    throw Refusal.invalidParams("The 'expiresAt' param must be in the future");
                }
                if (at.at().isAfter(current.plus(Duration.ofDays(maxDays)))) {
                    throw Refusal.invalidParams("The 'expiresAt' param must be at most " + maxDays + " days in the future");
                }
                yield at.at().toEpochMilli();
            }
        };
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
}
