package dev.rcpat.ratelimit;

import dev.rcpat.aws.AwsCallCounter;
import dev.rcpat.store.StoreUnavailableException;

import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.regex.Pattern;

/**
 * Rocket.Chat's REST rate limiter (docs/compatibility.md, "Rate limits"): each pair of client IP
 * and route (method and name) has its own counter in a fixed window; {@code limit} requests pass
 * in a window and the next ones are refused until it ends.
 *
 * <p>Windows are aligned to multiples of their length since the epoch, and the window's start is
 * part of the counter's key: a new window is a new counter, so an expired one is never read again
 * (the store's TTL deletes it eventually; the local emulator never does, and need not). Counting is
 * one atomic increment that reads the new value back, so concurrent requests can never let more
 * than {@code limit} through in a window.
 *
 * <p>The increment runs on a thread of its own while the request reads its user (the caller says
 * who the user is only once that read is back); {@link Count#close} waits for it, so no call
 * outlives the request, and its round trip is counted for the request.
 */
public final class RateLimiter {

    /** The client key of a request whose source address is missing or not an IP address. */
    public static final String UNKNOWN_CLIENT = "unknown";

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final boolean enabled;
    private final int limit;
    private final long windowMillis;
    private final RateLimitCounters counters;
    private final AwsCallCounter calls;
    private final Clock clock;
    private final ThreadFactory threads = Thread.ofVirtual().name("rate-limit-", 0).factory();

    public RateLimiter(boolean enabled, int limit, long windowMillis, RateLimitCounters counters,
                       AwsCallCounter calls, Clock clock) {
        if (limit < 1 || windowMillis < 1) {
            throw new IllegalArgumentException("limit and window must be positive");
        }
        this.enabled = enabled;
        this.limit = limit;
        this.windowMillis = windowMillis;
        this.counters = counters;
        this.calls = calls;
        this.clock = clock;
    }

    /** Whether requests are limited at all ({@code API_ENABLE_RATE_LIMITER}). */
    public boolean enabled() {
        return enabled;
    }

    /**
     * Starts counting a request from {@code sourceIp} to {@code route}, beside whatever the caller
     * does next. When the limiter is off, nothing is counted and the verdict is {@link RateLimit#NONE}.
     */
    public Count count(String route, String sourceIp) {
        if (!enabled) {
            return Count.NOT_COUNTED;
        }
        long now = clock.millis();
        long windowStart = Math.floorDiv(now, windowMillis) * windowMillis;
        long windowEnd = windowStart + windowMillis;
        String key = clientKey(sourceIp) + "|" + route + "|" + windowStart + "|" + windowMillis;
        // Deletable one window after its own has ended: no instance whose clock lags reads it afterwards.
        long expiresAtEpochSeconds = (windowEnd + windowMillis) / 1000 + 1;
        Count count = new Count(this, key, now, windowEnd);
        start(() -> {
            try {
                count.value.complete(counters.increment(key, expiresAtEpochSeconds));
            } catch (StoreUnavailableException | RuntimeException | Error e) {
                count.value.completeExceptionally(e);
            }
        });
        return count;
    }

    /** The source address as the counter's key: an IP address as given, anything else {@link #UNKNOWN_CLIENT}. */
    static String clientKey(String sourceIp) {
        if (sourceIp == null) {
            return UNKNOWN_CLIENT;
        }
        if (IPV4.matcher(sourceIp).matches()) {
            return sourceIp;
        }
        if (sourceIp.indexOf(':') >= 0 && IPV6.matcher(sourceIp).matches()) {
            return sourceIp.toLowerCase(Locale.ROOT);
        }
        return UNKNOWN_CLIENT;
    }

    private void start(Runnable task) {
        threads.newThread(calls.onBehalfOfThisThread(task)).start();
    }

    /**
     * One request's count: started at once, awaited by {@link #verdict}, ended by {@link #close}.
     * Used by the request's own thread only.
     */
    public static final class Count implements AutoCloseable {

        /** The count of a request that is not counted (the limiter is off). */
        public static final Count NOT_COUNTED = new Count(null, null, 0, 0);

        private final RateLimiter limiter;
        private final String key;
        private final long countedAt;
        private final long windowEnd;
        private final CompletableFuture<Long> value = new CompletableFuture<>();
        private CompletableFuture<Void> refund;

        private Count(RateLimiter limiter, String key, long countedAt, long windowEnd) {
            this.limiter = limiter;
            this.key = key;
            this.countedAt = countedAt;
            this.windowEnd = windowEnd;
        }

        /**
         * Waits for the count and judges it: the limit, what is left of it, when the window ends,
         * and whether this request is over the limit.
         *
         * @throws StoreUnavailableException the counters could not be reached
         */
        public RateLimit verdict() throws StoreUnavailableException {
            if (limiter == null) {
                return RateLimit.NONE;
            }
            long counted;
            try {
                counted = value.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException(e);
            } catch (ExecutionException e) {
                switch (e.getCause()) {
                    case StoreUnavailableException unavailable -> throw unavailable;
                    case RuntimeException bug -> throw bug;
                    case Error error -> throw error;
                    default -> throw new IllegalStateException(e.getCause());
                }
            }
            int limit = limiter.limit;
            int remaining = (int) Math.max(0, limit - counted);
            long retryAfterSeconds = counted > limit ? Math.ceilDiv(windowEnd - countedAt, 1000) : 0;
            return new RateLimit(limit, remaining, windowEnd, retryAfterSeconds);
        }

        /**
         * The caller turned out not to be limited (it holds the bypass permission): takes its count
         * back, beside the rest of the request, so that it uses up nothing of its address's limit.
         * Best effort: a refund that fails leaves one count too many in one window.
         */
        public void waive() {
            if (limiter == null || refund != null) {
                return;
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            refund = done;
            limiter.start(() -> {
                try {
                    value.join();
                    limiter.counters.decrement(key);
                } catch (StoreUnavailableException | RuntimeException e) {
                    // Never counted (the increment failed), or not taken back: the answer stands either way.
                } finally {
                    done.complete(null);
                }
            });
        }

        /** Waits until every call of this count is done, failed or not: none may outlive the request. */
        @Override
        public void close() {
            if (limiter == null) {
                return;
            }
            value.exceptionally(failed -> null).join();
            if (refund != null) {
                refund.join();
            }
        }
    }
}
