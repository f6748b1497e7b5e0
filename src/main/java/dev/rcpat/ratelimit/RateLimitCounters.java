package dev.rcpat.ratelimit;

import dev.rcpat.store.StoreUnavailableException;

/**
 * Where the rate limiter's counters live: one store that every function instance sees, so a
 * client is counted the same whichever instance serves it. Each call is one round trip.
 */
public interface RateLimitCounters {

    /**
     * Adds one to counter {@code key} (created at 1 if absent) and returns its new value, in one
     * atomic operation: concurrent increments each see a different value. The store may delete the
     * counter once {@code expiresAtEpochSeconds} has passed; nothing reads it after its window anyway.
     */
    long increment(String key, long expiresAtEpochSeconds) throws StoreUnavailableException;

    /** Takes one back from counter {@code key}, if it exists: a counted request that turned out not to count. */
    void decrement(String key) throws StoreUnavailableException;
}
