package dev.rcpat.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rate limiter's verdict on one request, and the headers that tell the client
 * (docs/compatibility.md, "Rate limits").
 *
 * @param limit             requests allowed per window
 * @param remaining         requests left in the window after this one (0 when refused)
 * @param resetAtMillis     when the window ends, epoch milliseconds (Rocket.Chat's {@code X-RateLimit-Reset})
 * @param retryAfterSeconds when refused, the whole seconds until the window ends (at least 1); else 0
 */
public record RateLimit(int limit, int remaining, long resetAtMillis, long retryAfterSeconds) {

    /** Not limited (the limiter is off, or the caller holds the bypass permission): no headers. */
    public static final RateLimit NONE = new RateLimit(0, 0, 0, 0);

    public static final String LIMIT_HEADER = "X-RateLimit-Limit";
    public static final String REMAINING_HEADER = "X-RateLimit-Remaining";
    public static final String RESET_HEADER = "X-RateLimit-Reset";
    public static final String RETRY_AFTER_HEADER = "Retry-After";

    /** Whether the request is over the limit: it gets 429. */
    public boolean refused() {
        return retryAfterSeconds > 0;
    }

    /** The headers every answer of a limited request carries; {@code Retry-After} on a refusal only. */
    public Map<String, String> headers() {
        if (this == NONE) {
            return Map.of();
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put(LIMIT_HEADER, Integer.toString(limit));
        h.put(REMAINING_HEADER, Integer.toString(remaining));
        h.put(RESET_HEADER, Long.toString(resetAtMillis));
        if (refused()) {
            h.put(RETRY_AFTER_HEADER, Long.toString(retryAfterSeconds));
        }
        return h;
    }
}
