package dev.rcpat.ratelimit;

import dev.rcpat.aws.AwsCallCounter;
import dev.rcpat.store.StoreUnavailableException;

import java.time.Clock;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.regex.Pattern;

/**
 * Rocket.Chat's REST rate limiter (docs/compatibility.md, "Rate limits"): each pair of client IP
 * and route (method and name) has its own counter in a fixed window; {@code limit} requests pass
 * in a window and the next ones are refused until it ends. Holders of the bypass permission are
 * not limited, and use up nothing of their address's limit.
 *
 * <p>Windows are aligned to multiples of their length since the epoch, and the window's start is
 * part of the counter's key: a new window is a new counter, so an expired one is never read again
 * (the store's TTL deletes it eventually; the local emulator never does, and need not). Counting is
 * one atomic increment that reads the new value back, so concurrent requests can never let more
 * than {@code limit} through in a window.
 *
 * <p>The increment runs on a thread of its own while the request reads its user, so that it adds
 * no round trip: only that read says whether the caller holds the bypass permission. A caller
 * that does has its count taken back, beside the rest of the request; and this instance then
 * remembers it, so that its next requests are not counted at all (the read still decides: one
 * that no longer holds the permission is counted then, before it goes on). {@link Count#close}
 * waits for every call, so none outlives the request, and each is counted for the request.
 */
public final class RateLimiter {

    /** The client key of a request whose source address is missing or not an IP address. */
    public static final String UNKNOWN_CLIENT = "unknown";

    /** Users remembered as exempt, at most; past it the memory starts afresh (only a saving is lost). */
    static final int MAX_EXEMPT_USERS = 10_000;

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final boolean enabled;
    private final int limit;
    private final long windowMillis;
    private final RateLimitCounters counters;
    private final AwsCallCounter calls;
    private final Clock clock;
    private final ThreadFactory threads = Thread.ofVirtual().name("rate-limit-", 0).factory();
    private final Set<String> exemptUsers = ConcurrentHashMap.newKeySet();

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
     * Starts counting a request of {@code userId} from {@code sourceIp} to {@code route}, beside
     * whatever the caller does next, unless this instance knows the user as exempt; the caller
     * then tells {@link Count#judge} whether the user is. When the limiter is off, nothing is
     * counted and the verdict is {@link RateLimit#NONE}.
     */
    public Count count(String route, String sourceIp, String userId) {
        if (!enabled) {
            return Count.NOT_COUNTED;
        }
        long now = clock.millis();
        long windowStart = Math.floorDiv(now, windowMillis) * windowMillis;
        String key = clientKey(sourceIp) + "|" + route + "|" + windowStart + "|" + windowMillis;
        Count count = new Count(this, key, userId, now, windowStart + windowMillis);
        if (!exemptUsers.contains(userId)) {
            count.start();
        }
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

    private void rememberExempt(String userId) {
        if (exemptUsers.size() >= MAX_EXEMPT_USERS) {
            exemptUsers.clear();
        }
        exemptUsers.add(userId);
    }

    private void run(Runnable task) {
        threads.newThread(calls.onBehalfOfThisThread(task)).start();
    }

    /**
     * One request's count: started at once (or, for a user remembered as exempt, only if it
     * turns out not to be), judged by {@link #judge}, ended by {@link #close}. Used by the
     * request's own thread only.
     */
    public static final class Count implements AutoCloseable {

        /** The count of a request that is not counted (the limiter is off). */
        public static final Count NOT_COUNTED = new Count(null, null, null, 0, 0);

        private final RateLimiter limiter;
        private final String key;
        private final String userId;
        private final long countedAt;
        private final long windowEnd;
        private CompletableFuture<Long> value;
        private CompletableFuture<Void> refund;

        private Count(RateLimiter limiter, String key, String userId, long countedAt, long windowEnd) {
            this.limiter = limiter;
            this.key = key;
            this.userId = userId;
            this.countedAt = countedAt;
            this.windowEnd = windowEnd;
        }

        private void start() {
            CompletableFuture<Long> counted = new CompletableFuture<>();
            value = counted;
            // Deletable one window after its own has ended: no instance whose clock lags reads it afterwards.
            long expiresAtEpochSeconds = (windowEnd + limiter.windowMillis) / 1000 + 1;
            limiter.run(() -> {
                try {
                    counted.complete(limiter.counters.increment(key, expiresAtEpochSeconds));
                } catch (StoreUnavailableException | RuntimeException | Error e) {
                    counted.completeExceptionally(e);
                }
            });
        }

        /**
         * The verdict, once the read has said whether the user holds the bypass permission: for an
         * exempt user none ({@link RateLimit#NONE}, its count taken back); for the others the
         * limit, what is left of it, when the window ends, and whether this request is over.
         *
         * @throws StoreUnavailableException the counters could not be reached (never for the exempt)
         */
        public RateLimit judge(boolean exempt) throws StoreUnavailableException {
            if (limiter == null) {
                return RateLimit.NONE;
            }
            if (exempt) {
                limiter.rememberExempt(userId);
                if (value != null && refund == null) {
                    takeBack();
                }
                return RateLimit.NONE;
            }
            limiter.exemptUsers.remove(userId);
            if (value == null) {
                start();
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

        /** Best effort: a refund that fails leaves one count too many in one window. */
        private void takeBack() {
            CompletableFuture<Long> counted = value;
            CompletableFuture<Void> done = new CompletableFuture<>();
            refund = done;
            limiter.run(() -> {
                try {
                    counted.join();
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
            if (value != null) {
                value.exceptionally(failed -> null).join();
            }
            if (refund != null) {
                refund.join();
            }
        }
    }
}
