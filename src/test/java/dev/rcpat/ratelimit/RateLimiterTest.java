package dev.rcpat.ratelimit;

import dev.rcpat.aws.AwsCallCounter;
import dev.rcpat.store.StoreUnavailableException;
import dev.rcpat.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The limiter's arithmetic on counters in memory: windows, keys, verdicts, refunds, failures. */
class RateLimiterTest {

    /** Counters in memory; {@code down} makes every call fail as an unreachable table would. */
    static final class Counters implements RateLimitCounters {
        final Map<String, Long> values = new ConcurrentHashMap<>();
        final Map<String, Long> expiries = new ConcurrentHashMap<>();
        final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile boolean down;

        @Override
        public long increment(String key, long expiresAtEpochSeconds) throws StoreUnavailableException {
            calls.add("increment " + key);
            if (down) {
                throw new StoreUnavailableException(new RuntimeException("down"));
            }
            expiries.put(key, expiresAtEpochSeconds);
            return values.merge(key, 1L, Long::sum);
        }

        @Override
        public void decrement(String key) throws StoreUnavailableException {
            calls.add("decrement " + key);
            if (down) {
                throw new StoreUnavailableException(new RuntimeException("down"));
            }
            values.computeIfPresent(key, (k, v) -> v - 1);
        }
    }

    final Counters counters = new Counters();
    /** 20.5 s into a window of a minute that starts at 1795000020000. */
    final MutableClock clock = new MutableClock(1_795_000_040_500L);
    final RateLimiter limiter = new RateLimiter(true, 10, 60_000, counters, new AwsCallCounter(), clock);

    RateLimit verdict(String route, String ip) throws StoreUnavailableException {
        try (RateLimiter.Count count = limiter.count(route, ip, "U1")) {
            return count.judge(false);
        }
    }

    @Test
    void tenPassInAWindowTheEleventhWaitsForItsEnd() throws Exception {
        for (int remaining = 9; remaining >= 0; remaining--) {
            assertEquals(new RateLimit(10, remaining, 1_795_000_080_000L, 0), verdict("GET list", "203.0.113.7"));
        }
        RateLimit refused = verdict("GET list", "203.0.113.7");
        assertEquals(new RateLimit(10, 0, 1_795_000_080_000L, 40), refused, "39.5 s left: 40, as Math.ceil");
        assertTrue(refused.refused());
        assertEquals(Map.of("X-RateLimit-Limit", "10", "X-RateLimit-Remaining", "0",
                "X-RateLimit-Reset", "1795000080000", "Retry-After", "40"), refused.headers());
        clock.advance(Duration.ofMillis(39_499));
        assertEquals(1, verdict("GET list", "203.0.113.7").retryAfterSeconds(), "1 ms left is a second to wait");
        clock.advance(Duration.ofMillis(1));
        RateLimit next = verdict("GET list", "203.0.113.7");
        assertEquals(new RateLimit(10, 9, 1_795_000_140_000L, 0), next);
        assertEquals(Map.of("X-RateLimit-Limit", "10", "X-RateLimit-Remaining", "9",
                "X-RateLimit-Reset", "1795000140000"), next.headers());
    }

    @Test
    void theKeyIsTheAddressTheRouteAndTheWindowWhichExpiresAWindowAfterItsEnd() throws Exception {
        verdict("POST users.generatePersonalAccessToken", "203.0.113.7");
        verdict("POST users.generatePersonalAccessToken", "2001:DB8::1");
        assertEquals(Map.of(
                "203.0.113.7|POST users.generatePersonalAccessToken|1795000020000|60000", 1L,
                "2001:db8::1|POST users.generatePersonalAccessToken|1795000020000|60000", 1L), counters.values);
        assertEquals(1_795_000_141L, counters.expiries.values().iterator().next());
    }

    @Test
    void addressesThatAreNoIpAddressShareTheUnknownCounter() {
        for (String odd : new String[] {null, "", " 203.0.113.7", "203.0.113.7 ", "localhost", "1.2.3.4.5",
                "::1%eth0", "x".repeat(100), "1.2.3.4\n", "::ffff:" + "0".repeat(60)}) {
            assertEquals(RateLimiter.UNKNOWN_CLIENT, RateLimiter.clientKey(odd), String.valueOf(odd));
        }
        assertEquals("127.0.0.2", RateLimiter.clientKey("127.0.0.2"));
        assertEquals("::1", RateLimiter.clientKey("::1"));
        assertEquals("0:0:0:0:0:0:0:1", RateLimiter.clientKey("0:0:0:0:0:0:0:1"));
        assertEquals("::ffff:192.0.2.1", RateLimiter.clientKey("::FFFF:192.0.2.1"));
    }

    @Test
    void anExemptUsersCountIsTakenBackAndItsNextRequestsAreNotCounted() throws Exception {
        String key = "203.0.113.7|GET list|1795000020000|60000";
        try (RateLimiter.Count count = limiter.count("GET list", "203.0.113.7", "BOT")) {
            assertSame(RateLimit.NONE, count.judge(true));
        }
        assertEquals(List.of("increment " + key, "decrement " + key), counters.calls);
        assertEquals(0L, counters.values.get(key));
        for (int i = 0; i < 20; i++) {
            try (RateLimiter.Count count = limiter.count("GET list", "203.0.113.7", "BOT")) {
                assertSame(RateLimit.NONE, count.judge(true));
            }
        }
        assertEquals(2, counters.calls.size(), "remembered as exempt: " + counters.calls);
        // The read still decides: no longer exempt, it is counted before it goes on, and limited again.
        try (RateLimiter.Count count = limiter.count("GET list", "203.0.113.7", "BOT")) {
            assertEquals(new RateLimit(10, 9, 1_795_000_080_000L, 0), count.judge(false));
        }
        try (RateLimiter.Count count = limiter.count("GET list", "203.0.113.7", "BOT")) {
            assertEquals(8, count.judge(false).remaining());
        }
        assertEquals(4, counters.calls.size(), "counted beside the read again: " + counters.calls);
    }

    @Test
    void theMemoryOfExemptUsersIsBounded() throws Exception {
        for (int i = 0; i <= RateLimiter.MAX_EXEMPT_USERS; i++) {
            try (RateLimiter.Count count = limiter.count("GET list", "203.0.113.7", "BOT-" + i)) {
                count.judge(true);
            }
        }
        counters.calls.clear();
        try (RateLimiter.Count count = limiter.count("GET list", "203.0.113.7", "BOT-0")) {
            count.judge(true);
        }
        assertEquals(2, counters.calls.size(), "forgotten when the memory started afresh, so counted and taken back");
        counters.calls.clear();
        try (RateLimiter.Count count = limiter.count("GET list", "203.0.113.7", "BOT-" + RateLimiter.MAX_EXEMPT_USERS)) {
            count.judge(true);
        }
        assertEquals(List.of(), counters.calls, "the latest is remembered");
    }

    @Test
    void anUnauthenticatedRequestIsCountedAndNeverJudged() {
        try (RateLimiter.Count count = limiter.count("GET list", "203.0.113.7", "U1")) {
            // a 401 ends the request here: the count is never judged, and closing waits for it
        }
        assertEquals(1, counters.calls.size());
        assertEquals(1L, counters.values.get("203.0.113.7|GET list|1795000020000|60000"));
    }

    @Test
    void unreachableCountersFailTheVerdictButNeitherTheExemptNorTheEnd() throws Exception {
        counters.down = true;
        RateLimiter.Count failing = limiter.count("GET list", "203.0.113.7", "U1");
        assertThrows(StoreUnavailableException.class, () -> failing.judge(false));
        failing.close();
        try (RateLimiter.Count exempt = limiter.count("GET list", "203.0.113.7", "BOT")) {
            assertSame(RateLimit.NONE, exempt.judge(true));
        }
        assertEquals(2, counters.calls.size(), "nothing counted, so nothing to take back: " + counters.calls);
    }

    @Test
    void offCountsNothingAndJudgesNothing() throws Exception {
        RateLimiter off = new RateLimiter(false, 10, 60_000, counters, new AwsCallCounter(), clock);
        RateLimiter.Count count = off.count("GET list", "203.0.113.7", "U1");
        assertSame(RateLimiter.Count.NOT_COUNTED, count);
        assertSame(RateLimit.NONE, count.judge(false));
        assertSame(RateLimit.NONE, count.judge(true));
        count.close();
        assertEquals(Map.of(), RateLimit.NONE.headers());
        assertFalse(RateLimit.NONE.refused());
        assertEquals(List.of(), counters.calls);
    }

    @Test
    void theCountsCallsAreTalliedForTheRequestThatStartedIt() throws Exception {
        AwsCallCounter calls = new AwsCallCounter();
        var interceptor = calls.interceptorFor(AwsCallCounter.Service.DYNAMODB);
        CountDownLatch counted = new CountDownLatch(1);
        RateLimitCounters calling = new RateLimitCounters() {
            @Override
            public long increment(String key, long expiresAtEpochSeconds) {
                interceptor.beforeExecution(null, null); // what the SDK does on the counter's own thread
                counted.countDown();
                return 1;
            }

            @Override
            public void decrement(String key) {
                interceptor.beforeExecution(null, null);
            }
        };
        RateLimiter counting = new RateLimiter(true, 10, 60_000, calling, calls, clock);
        calls.reset();
        try (RateLimiter.Count count = counting.count("GET list", "203.0.113.7", "BOT")) {
            counted.await();
            count.judge(true);
        }
        assertEquals(2, calls.calls(AwsCallCounter.Service.DYNAMODB));
        Thread other = Thread.ofPlatform().start(() -> assertEquals(0, calls.calls(AwsCallCounter.Service.DYNAMODB)));
        other.join();
    }
}
